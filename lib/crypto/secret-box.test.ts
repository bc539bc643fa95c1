import { describe, expect, it } from "vitest";
import { generateDataKey, parseDataKeyring } from "@/lib/crypto/data-keyring";
import { createSecretBox, SecretDecryptionError } from "@/lib/crypto/secret-box";

const keyA = generateDataKey();
const keyB = generateDataKey();
const box = createSecretBox(parseDataKeyring({ current: keyA }));
const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

function tamper(stored: string, index: number): string {
  const parts = stored.split(":");
  const bytes = Buffer.from(parts[index]!, "base64url");
  bytes[0] = bytes[0]! ^ 1;
  parts[index] = bytes.toString("base64url");
  return parts.join(":");
}

describe("secret box", () => {
  it("round-trips a secret with the same associated data", () => {
    const stored = box.encrypt(secret, ["team1", "reg1"]);
    expect(stored).toMatch(/^v1:k[0-9a-f]{8}:[\w-]+:[\w-]+:[\w-]+$/);
    expect(stored).not.toContain(secret);
    expect(box.decrypt(stored, ["team1", "reg1"])).toBe(secret);
  });

  it("uses a fresh nonce for every encryption", () => {
    expect(box.encrypt(secret, ["a"])).not.toBe(box.encrypt(secret, ["a"]));
  });

  it.each([2, 3, 4])("refuses a value whose part %i was tampered with", (index) => {
    const stored = box.encrypt(secret, ["team1", "reg1"]);
    expect(() => box.decrypt(tamper(stored, index), ["team1", "reg1"])).toThrow(SecretDecryptionError);
  });

  it("refuses a ciphertext moved to another row", () => {
    const stored = box.encrypt(secret, ["team1", "reg1"]);
    expect(() => box.decrypt(stored, ["team1", "reg2"])).toThrow(/another row/);
    expect(() => box.decrypt(stored, ["team1r", "eg1"])).toThrow(SecretDecryptionError);
  });

  it("still decrypts with a previous key after rotation, and encrypts with the new one", () => {
    const old = box.encrypt(secret, ["r"]);
    const rotated = createSecretBox(parseDataKeyring({ current: keyB, previous: keyA }));
    expect(rotated.decrypt(old, ["r"])).toBe(secret);
    const fresh = rotated.encrypt(secret, ["r"]);
    expect(fresh.split(":")[1]).toBe(parseDataKeyring({ current: keyB }).current.id);
    expect(() => box.decrypt(fresh, ["r"])).toThrow(/unknown key id/);
  });

  it("refuses malformed values and unknown versions without echoing them", () => {
    expect(() => box.decrypt("plaintext-secret", ["r"])).toThrow(/malformed/);
    expect(() => box.decrypt("v2:k1:a:b:c", ["r"])).toThrow(/unsupported version/);
    try {
      box.decrypt(secret, ["r"]);
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });

  it("rejects a data key that is not 32 bytes, naming the variable", () => {
    expect(() => parseDataKeyring({ current: "c2hvcnQ=" })).toThrow(/DATA_ENCRYPTION_KEY must be 32 random bytes/);
    expect(() => parseDataKeyring({ current: keyA, previous: "not base64!" })).toThrow(/DATA_ENCRYPTION_KEYS_PREVIOUS/);
  });
});
