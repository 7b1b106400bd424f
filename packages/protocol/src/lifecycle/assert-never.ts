/** Makes a `switch` exhaustive: adding a status without handling it fails to compile. */
export function assertNever(value: never): never {
  throw new TypeError(`Unhandled value: ${String(value)}`);
}
