import { createHash, randomBytes } from "node:crypto";

export interface DataKeyring {
  current: { id: string; key: Buffer };
  all: ReadonlyMap<string, Buffer>;
}

const KEY_HINT = "must be 32 random bytes encoded as base64 (generate one with: openssl rand -base64 32)";

/**
 * The data-encryption keys: `current` encrypts, every key decrypts. Key IDs
 * derive from the key bytes, so they are stable and need no configuration.
 */
export function parseDataKeyring(input: { current: string; previous?: string }): DataKeyring {
  const current = decodeKey(input.current, "DATA_ENCRYPTION_KEY");
  const previous = (input.previous ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => decodeKey(value, "DATA_ENCRYPTION_KEYS_PREVIOUS"));
  const all = new Map<string, Buffer>();
  for (const key of [current, ...previous]) all.set(keyIdOf(key), key);
  return { current: { id: keyIdOf(current), key: current }, all };
}

export function generateDataKey(): string {
  return randomBytes(32).toString("base64");
}

export function keyIdOf(key: Buffer): string {
  return `k${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

function decodeKey(value: string, variable: string): Buffer {
  const normalised = value.trim().replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(normalised)) throw new Error(`${variable} ${KEY_HINT}`);
  const key = Buffer.from(normalised, "base64");
  if (key.length !== 32) throw new Error(`${variable} ${KEY_HINT}; this value decodes to ${key.length} bytes`);
  return key;
}
