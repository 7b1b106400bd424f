import { describe, expect, it } from "vitest";
import { errorByCode, errorCatalogue, httpStatusOf } from "./catalogue.js";
import { localizedErrorMessage } from "./localize.js";

describe("error catalogue", () => {
  it("has unique codes and names", () => {
    expect(new Set(errorCatalogue.map((e) => e.code)).size).toBe(errorCatalogue.length);
    expect(new Set(errorCatalogue.map((e) => e.name)).size).toBe(errorCatalogue.length);
  });

  it.each([
    ["1001", 401],
    ["1002", 403],
    ["1104", 400],
    ["1108", 422],
    ["1202", 402],
    ["1204", 409],
    ["1301", 429],
    ["1303", 409],
    ["1304", 413],
    ["1401", 500],
    ["1402", 503],
    ["1404", 405],
  ] as const)("maps %s to HTTP %i", (code, status) => {
    expect(httpStatusOf(code)).toBe(status);
  });

  it("marks exactly the transient codes retryable", () => {
    const retryable = errorCatalogue.filter((e) => e.retryable).map((e) => e.code);
    expect(retryable).toEqual(["1301", "1303", "1401", "1402"]);
  });

  it("answers every code in English and French", () => {
    for (const e of errorCatalogue) {
      expect(localizedErrorMessage(e.code, "en")).toBe(e.message);
      expect(localizedErrorMessage(e.code, "fr").length).toBeGreaterThan(0);
    }
    expect(errorByCode("1001").message).toBe("Missing or invalid app-key");
  });
});
