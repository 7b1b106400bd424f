import { describe, expect, it } from "vitest";
import { openSealed, openSecret, sealSecret } from "./secret-box";

const previous = "old-credentials-key-0123456789";
const current = "new-credentials-key-0123456789";

describe("sealed secrets across a key rotation", () => {
  it("open under the key that sealed them, and say which one it was", async () => {
    const old = await sealSecret(previous, "hunter2-old");
    const fresh = await sealSecret(current, "hunter2-new");
    expect(await openSealed([current, previous], old)).toEqual({ plaintext: "hunter2-old", keyIndex: 1 });
    expect(await openSealed([current, previous], fresh)).toEqual({ plaintext: "hunter2-new", keyIndex: 0 });
    expect(await openSecret([current, previous], old)).toBe("hunter2-old");
    expect(await openSecret(previous, old)).toBe("hunter2-old");
  });

  it("do not open without the key that sealed them", async () => {
    const old = await sealSecret(previous, "hunter2-old");
    expect(await openSealed([current], old)).toBeNull();
    expect(await openSealed(current, old)).toBeNull();
    await expect(openSecret([current], old)).rejects.toThrow(
      "does not open under any configured CREDENTIALS_KEY",
    );
  });

  it("do not open when tampered with or not a sealed value at all", async () => {
    const sealed = await sealSecret(current, "hunter2");
    const bytes = Uint8Array.from(atob(sealed), (ch) => ch.charCodeAt(0));
    bytes[bytes.length - 1] = (bytes.at(-1) as number) ^ 1;
    const tampered = btoa(String.fromCharCode(...bytes));
    expect(await openSealed([current, previous], tampered)).toBeNull();
    expect(await openSealed([current, previous], "not base64 at all!")).toBeNull();
  });

  it("are sealed afresh each time: the same password, another ciphertext", async () => {
    const a = await sealSecret(current, "hunter2");
    const b = await sealSecret(current, "hunter2");
    expect(a).not.toBe(b);
    expect(await openSecret(current, a)).toBe(await openSecret(current, b));
  });
});
