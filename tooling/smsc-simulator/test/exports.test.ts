import { describe, expect, expectTypeOf, it } from "vitest";
import * as api from "../src/index.mjs";
import { startSmsc } from "../src/smsc.mjs";

describe("package entry", () => {
  it("exports what index.d.mts declares, with the implementation's types", () => {
    expect(Object.keys(api).sort()).toEqual([
      "FIRST_ID",
      "decodeGsm7",
      "decodeUcs2",
      "encodeGsm7",
      "startSmsc",
    ]);
    expect(api.FIRST_ID).toBe(0xa0000001);
    // Checked by `tsc` (typecheck): the declaration and the JSDoc of the implementation agree.
    expectTypeOf(api.startSmsc).toEqualTypeOf(startSmsc);
  });
});
