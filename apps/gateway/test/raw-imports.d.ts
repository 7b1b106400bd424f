/** Text imported as is by the test bundler (`import docs from "…/DOCS.md?raw"`). */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
