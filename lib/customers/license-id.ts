// License IDs: what a customer uses as its registry password. Pure, so the
// format and the keyed hash are unit-tested without a database.
import { createHmac, hkdfSync, randomBytes } from "node:crypto";

export const LICENSE_PREFIX = "lic_";
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const RANDOM_BYTES = 20; // 160 bits
const BODY_LENGTH = 32; // 20 bytes in base32
/** Lower-case base32 after the prefix: safe in URLs, Basic auth and YAML, selected whole by a double-click. */
export const LICENSE_ID_PATTERN = /^lic_[a-z2-7]{32}$/;

export function generateLicenseId(): string {
  const bytes = randomBytes(RANDOM_BYTES);
  let bits = 0;
  let value = 0;
  let body = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      body += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return LICENSE_PREFIX + body.slice(0, BODY_LENGTH);
}

export function isLicenseIdFormat(value: string): boolean {
  return LICENSE_ID_PATTERN.test(value);
}

/** The lookup key: derived from a data-encryption key, used for nothing else. */
export function deriveLicenseLookupKey(dataKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", dataKey, Buffer.alloc(0), "customer-license-lookup", 32));
}

/** HMAC-SHA256 (hex) of the license ID under a lookup key. */
export function licenseHashWith(lookupKey: Buffer, licenseId: string): string {
  return createHmac("sha256", lookupKey).update(licenseId, "utf8").digest("hex");
}

export type LicenseState = "active" | "revoked" | "expired";

/** Revoked wins over expired; an expiry at exactly `now` has passed. */
export function licenseState(customer: { expiresAt: Date | null; revokedAt: Date | null }, now: Date = new Date()): LicenseState {
  if (customer.revokedAt) return "revoked";
  if (customer.expiresAt && customer.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}
