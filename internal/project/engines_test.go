package project

import "testing"

func TestNodeSatisfies(t *testing.T) {
	tests := []struct {
		version, rng string
		ok, known    bool
	}{
		{"v20.20.2", ">=20.0.0", true, true},
		{"v20.20.2", ">=22.0.0", false, true},
		{"v22.0.0", ">=22", true, true},
		{"v18.19.0", ">=18.0.0 <19", true, true},
		{"v19.0.0", ">=18.0.0 <19", false, true},
		{"v20.1.0", "^18 || ^20", true, true},
		{"v21.0.0", "^18 || ^20", false, true},
		{"v20.9.0", ">= 20.10", false, true},
		{"v20.10.0", ">= 20.10", true, true},
		{"v20.3.0", "~20.2", false, true},
		{"v20.2.9", "~20.2", true, true},
		{"v20.0.0", "20.x", true, true},
		{"v21.0.0", "20.x", false, true},
		{"v16.0.0", "16 - 18", true, true},
		{"v18.9.0", "16 - 18", true, true},
		{"v19.0.0", "16 - 18", false, true},
		{"v20.0.0", "*", true, true},
		{"v20.0.0", ">20", false, true},
		{"v21.0.0", ">20", true, true},
		{"v20.0.0", "node-lts", false, false},
		{"not a version", ">=20", false, false},
		{"v22.1.0-nightly2024", ">=22", true, true},
	}
	for _, tt := range tests {
		ok, known := NodeSatisfies(tt.version, tt.rng)
		if ok != tt.ok || known != tt.known {
			t.Errorf("NodeSatisfies(%q, %q) = %v, %v; want %v, %v", tt.version, tt.rng, ok, known, tt.ok, tt.known)
		}
	}
}
