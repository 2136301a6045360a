import { defineConfig } from "vitest/config";

// SVIX=1 runs the suite with svix 1.x (installed as "svix1"): every import of "svix", in
// convex/http.ts and in the tests, resolves to it. Otherwise "svix" is svix 2.x.
const svix1 = process.env.SVIX === "1";

export default defineConfig({
  resolve: { alias: svix1 ? [{ find: /^svix$/, replacement: "svix1" }] : [] },
  test: {
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test"] } },
    include: ["tests/**/*.test.ts"],
  },
});
