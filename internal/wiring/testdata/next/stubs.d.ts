// What the Next.js fixtures import that test/wiring does not install (never a Clerk or
// convex module).
declare module "next-intl" {
  import type { ReactNode } from "react";
  export function NextIntlClientProvider(props: { children?: ReactNode }): ReactNode;
  export function hasLocale(locales: readonly string[], locale: string): boolean;
  export function useTranslations(ns: string): (key: string) => string;
}

// The fixtures' own files imported through the @/ alias (tsconfig paths are not set in the
// one type-check run that all fixtures share).
declare module "@/*";
