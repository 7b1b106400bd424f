/** Text imported as is by the test bundler (`import docs from "…/DOCS.md?raw"`). */
declare module "*.md?raw" {
  const text: string;
  export default text;
}

/** The Worker's deployment settings, read by tests that check what is deployed. */
declare module "*.jsonc?raw" {
  const text: string;
  export default text;
}
