import { describe, expect, it } from "vitest";
import { SecretDecryptionError } from "@/lib/crypto/secret-box";
import { decryptAccessKey, encryptAccessKey } from "@/lib/registries/credentials";
import { maskAccessKeyId } from "@/lib/registries/settings";

const key = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

describe("registry credentials encryption", () => {
  it("round-trips the access key for the same team and registry", () => {
    const stored = encryptAccessKey("team1", "reg1", key);
    expect(stored).not.toContain(key.secretAccessKey);
    expect(stored).not.toContain(key.accessKeyId);
    expect(decryptAccessKey("team1", "reg1", stored)).toEqual(key);
  });

  it("refuses a tampered ciphertext", () => {
    const stored = encryptAccessKey("team1", "reg1", key);
    const parts = stored.split(":");
    const ciphertext = Buffer.from(parts[3]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString("base64url");
    expect(() => decryptAccessKey("team1", "reg1", parts.join(":"))).toThrow(SecretDecryptionError);
  });

  it("refuses the ciphertext of another registry or another team", () => {
    const stored = encryptAccessKey("team1", "reg1", key);
    expect(() => decryptAccessKey("team1", "reg2", stored)).toThrow(SecretDecryptionError);
    expect(() => decryptAccessKey("team2", "reg1", stored)).toThrow(SecretDecryptionError);
  });

  it("masks a key ID to its first and last four characters", () => {
    expect(maskAccessKeyId("AKIAIOSFODNN7EXAMPLE")).toBe("AKIA…MPLE");
  });
});
