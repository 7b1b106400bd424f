// What vite (and so vitest) gives a test besides plain modules: files as text.
declare module "*.md?raw" {
  const text: string;
  export default text;
}

interface ImportMeta {
  glob(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, string>;
}
