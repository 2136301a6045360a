package wiring_test

import "testing"

// The fixtures of the frameworks wired in one module that renders the app: Vite's entry,
// Expo Router's root layout, TanStack Start's root route (runFixtures says what each proves).
func TestViteFixtures(t *testing.T)     { runFixtures(t, "vite") }
func TestExpoFixtures(t *testing.T)     { runFixtures(t, "expo") }
func TestTanStackFixtures(t *testing.T) { runFixtures(t, "tanstack") }
