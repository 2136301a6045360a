// Declared as Vite's vite/client declares it (vite is not installed in test/wiring).
interface ImportMetaEnv {
  [key: string]: any;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
declare module "*.css";
