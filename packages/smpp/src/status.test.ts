import { describe, expect, it } from "vitest";
import { commandStatus, describeStatus, statusClass, statusName } from "./status.js";

describe("statusClass", () => {
  it.each([
    [0x00, "ok"],
    [0x58, "transient"],
    [0x14, "transient"],
    [0x08, "transient"],
    [0x64, "transient"],
    [0x0b, "permanent"],
    [0x0e, "permanent"],
    [0x45, "permanent"],
    [0x65, "permanent"],
    [0xff, "permanent"],
    [0x401, "permanent"],
  ])("0x%s is %s", (status, kind) => {
    expect(statusClass(status)).toBe(kind);
  });
});

describe("statusName and describeStatus", () => {
  it("name the spec's statuses and show others in hexadecimal", () => {
    expect(statusName(commandStatus.ESME_RTHROTTLED)).toBe("ESME_RTHROTTLED");
    expect(statusName(0x64)).toBe("ESME_RX_T_APPN");
    expect(statusName(0x401)).toBe("0x00000401");
    expect(describeStatus(0x0b)).toBe("ESME_RINVDSTADR (0x0000000B)");
    expect(describeStatus(0xffffffff)).toBe("0xFFFFFFFF");
  });

  it("give every known value one name", () => {
    const values = Object.values(commandStatus);
    expect(new Set(values).size).toBe(values.length);
    for (const [name, value] of Object.entries(commandStatus)) expect(statusName(value)).toBe(name);
  });
});
