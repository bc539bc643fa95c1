// AES-256-GCM encryption of secrets at rest. Stored form:
//   v1:<keyId>:<nonce>:<ciphertext>:<tag>   (base64url parts, 12-byte random nonce)
// The owning row's IDs are the associated data, so a ciphertext copied to
// another row does not decrypt. Only the current key encrypts; any key in the
// keyring decrypts. There is no plaintext fallback.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { DataKeyring } from "@/lib/crypto/data-keyring";

const VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`stored secret could not be decrypted: ${reason}`);
    this.name = "SecretDecryptionError";
  }
}

export interface SecretBox {
  encrypt(plaintext: string, associatedData: readonly string[]): string;
  decrypt(stored: string, associatedData: readonly string[]): string;
}

export function createSecretBox(keyring: DataKeyring): SecretBox {
  return {
    encrypt(plaintext, associatedData) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", keyring.current.key, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(encodeAssociatedData(associatedData));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [VERSION, keyring.current.id, nonce.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(":");
    },
    decrypt(stored, associatedData) {
      const parts = stored.split(":");
      if (parts.length !== 5) throw new SecretDecryptionError("malformed value");
      const [version, keyId, nonceText, ciphertextText, tagText] = parts as [string, string, string, string, string];
      if (version !== VERSION) throw new SecretDecryptionError(`unsupported version ${version.slice(0, 8)}`);
      const key = keyring.all.get(keyId);
      if (!key) throw new SecretDecryptionError(`unknown key id ${keyId.slice(0, 16)}`);
      const nonce = Buffer.from(nonceText, "base64url");
      const tag = Buffer.from(tagText, "base64url");
      if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError("malformed value");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(encodeAssociatedData(associatedData));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretDecryptionError("authentication failed (tampered, or stored for another row)");
      }
    },
  };
}

// Length-prefixed, so ["ab", "c"] and ["a", "bc"] differ.
function encodeAssociatedData(parts: readonly string[]): Buffer {
  return Buffer.from(parts.map((part) => `${Buffer.byteLength(part)}:${part}`).join("|"), "utf8");
}
