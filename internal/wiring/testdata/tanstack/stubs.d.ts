// TanStack Router and Start are @clerk/tanstack-react-start's peers, not installed in
// test/wiring: what the root routes import from them is untyped here. ClerkProvider, useAuth
// and clerkMiddleware come from the real @clerk/tanstack-react-start, the Convex client from
// the real convex. ImportMeta.env as vite/client declares it.
declare module "@tanstack/react-router";
declare module "@tanstack/react-start";
declare module "*?url" {
  const url: string;
  export default url;
}
interface ImportMetaEnv {
  [key: string]: any;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
