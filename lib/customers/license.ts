// Customer licenses. A license ID is stored twice, neither usable if the
// database leaks: an HMAC for lookup (key derived from the data-encryption
// key) and the value encrypted with the data key for re-display.
import "server-only";
import { parseDataKeyring, type DataKeyring } from "@/lib/crypto/data-keyring";
import { prisma } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { deriveLicenseLookupKey, isLicenseIdFormat, licenseHashWith } from "@/lib/customers/license-id";

export { generateLicenseId, licenseState, type LicenseState } from "@/lib/customers/license-id";

export interface LicensedCustomer {
  id: string;
  teamId: string;
  applicationId: string;
  applicationSlug: string;
  name: string;
  email: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

let lookupKeys: { current: Buffer; all: Buffer[] } | undefined;

function getLookupKeys(): { current: Buffer; all: Buffer[] } {
  if (!lookupKeys) {
    const env = getEnv();
    const keyring: DataKeyring = parseDataKeyring({ current: env.DATA_ENCRYPTION_KEY, ...(env.DATA_ENCRYPTION_KEYS_PREVIOUS ? { previous: env.DATA_ENCRYPTION_KEYS_PREVIOUS } : {}) });
    const current = deriveLicenseLookupKey(keyring.current.key);
    const previous = [...keyring.all.entries()].filter(([id]) => id !== keyring.current.id).map(([, key]) => deriveLicenseLookupKey(key));
    lookupKeys = { current, all: [current, ...previous] };
  }
  return lookupKeys;
}

/** The stored lookup hash of a license ID (current key). */
export function hashLicenseId(licenseId: string): string {
  return licenseHashWith(getLookupKeys().current, licenseId);
}

/** The hashes this license may be stored under: one per data key still configured. */
export function licenseHashCandidates(licenseId: string): string[] {
  return getLookupKeys().all.map((key) => licenseHashWith(key, licenseId));
}

/**
 * The customer holding this license, whatever its state (the caller checks
 * licenseState). Hashes made with a previous data key still match, so a key
 * rotation does not lock customers out.
 */
export async function findCustomerByLicense(licenseId: string): Promise<LicensedCustomer | null> {
  if (!isLicenseIdFormat(licenseId)) return null;
  const customer = await prisma.customer.findFirst({
    where: { licenseHash: { in: licenseHashCandidates(licenseId) } },
    select: { id: true, teamId: true, applicationId: true, name: true, email: true, expiresAt: true, revokedAt: true, application: { select: { slug: true } } },
  });
  if (!customer) return null;
  const { application, ...rest } = customer;
  return { ...rest, applicationSlug: application.slug };
}

/** For tests that change the data-encryption key. */
export function resetLicenseKeyCache(): void {
  lookupKeys = undefined;
}
