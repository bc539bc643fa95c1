import { describe, expect, it } from "vitest";
import { deriveLicenseLookupKey, generateLicenseId, isLicenseIdFormat, LICENSE_ID_PATTERN, licenseHashWith, licenseState } from "@/lib/customers/license-id";

describe("license IDs", () => {
  it("generates IDs with the prefix and 160 random bits in lower-case base32", () => {
    const id = generateLicenseId();
    expect(id).toMatch(LICENSE_ID_PATTERN);
    expect(id.length).toBe(36);
  });

  it("never repeats across many generations", () => {
    const ids = new Set(Array.from({ length: 5000 }, generateLicenseId));
    expect(ids.size).toBe(5000);
  });

  it("uses every base32 symbol (the encoding does not drop bits)", () => {
    const seen = new Set(Array.from({ length: 400 }, generateLicenseId).join("").slice(0).replace(/lic_/g, ""));
    expect(seen.size).toBe(32);
  });

  it("recognises only its own format", () => {
    expect(isLicenseIdFormat(generateLicenseId())).toBe(true);
    expect(isLicenseIdFormat("lic_" + "a".repeat(31))).toBe(false);
    expect(isLicenseIdFormat("LIC_" + "a".repeat(32))).toBe(false);
    expect(isLicenseIdFormat("lic_" + "a".repeat(31) + "1")).toBe(false);
    expect(isLicenseIdFormat("someone@example.com")).toBe(false);
  });
});

describe("license lookup hash", () => {
  const dataKey = Buffer.alloc(32, 7);

  it("is a deterministic keyed hash, not the data key itself", () => {
    const lookupKey = deriveLicenseLookupKey(dataKey);
    expect(lookupKey.equals(dataKey)).toBe(false);
    expect(lookupKey.length).toBe(32);
    expect(licenseHashWith(lookupKey, "lic_x")).toBe(licenseHashWith(deriveLicenseLookupKey(Buffer.alloc(32, 7)), "lic_x"));
    expect(licenseHashWith(lookupKey, "lic_x")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("differs by key and by license", () => {
    const a = deriveLicenseLookupKey(dataKey);
    const b = deriveLicenseLookupKey(Buffer.alloc(32, 8));
    expect(licenseHashWith(a, "lic_x")).not.toBe(licenseHashWith(b, "lic_x"));
    expect(licenseHashWith(a, "lic_x")).not.toBe(licenseHashWith(a, "lic_y"));
  });
});

describe("licenseState", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  it("is active without revocation or with a future expiry", () => {
    expect(licenseState({ expiresAt: null, revokedAt: null }, now)).toBe("active");
    expect(licenseState({ expiresAt: new Date("2026-01-02T00:00:00Z"), revokedAt: null }, now)).toBe("active");
  });
  it("is expired at and after the expiry", () => {
    expect(licenseState({ expiresAt: now, revokedAt: null }, now)).toBe("expired");
    expect(licenseState({ expiresAt: new Date("2025-12-31T00:00:00Z"), revokedAt: null }, now)).toBe("expired");
  });
  it("is revoked whatever the expiry", () => {
    expect(licenseState({ expiresAt: new Date("2025-12-31T00:00:00Z"), revokedAt: now }, now)).toBe("revoked");
    expect(licenseState({ expiresAt: null, revokedAt: now }, now)).toBe("revoked");
  });
});
