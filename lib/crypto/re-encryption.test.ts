// Re-encryption of every stored secret against a real Postgres, with rows
// written by the portal's own code under an old key.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/api-tokens/service";
import { claimIdempotencyKey, storeIdempotentAnswer } from "@/lib/api/idempotency";
import { signUp } from "@/lib/auth/service";
import { generateDataKey, parseDataKeyring } from "@/lib/crypto/data-keyring";
import { ENCRYPTED_COLUMNS, reEncryptStoredSecrets } from "@/lib/crypto/re-encryption";
import { createSecretBox } from "@/lib/crypto/secret-box";
import { createApplication } from "@/lib/applications/service";
import { deriveLicenseLookupKey, licenseHashWith } from "@/lib/customers/license-id";
import { findCustomerByLicense, resetLicenseKeyCache } from "@/lib/customers/license";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { createCustomer } from "@/lib/customers/service";
import { resetEnvCache } from "@/lib/env";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { maintainSigningKeys } from "@/lib/oidc/signing-keys";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

const OLD_KEY = generateDataKey();
const NEW_KEY = generateDataKey();
const old = parseDataKeyring({ current: OLD_KEY });
const rotated = parseDataKeyring({ current: NEW_KEY, previous: OLD_KEY });
const newOnly = createSecretBox(parseDataKeyring({ current: NEW_KEY }));
const SECRETS = ["FirstSecretKeyForReEncryption00000000001", "SecondSecretKeyForReEncryption0000000002", "ThirdSecretKeyForReEncryption00000000003"];

let databaseUrl: string;
let licenseId: string;
const newLicenseKey = deriveLicenseLookupKey(rotated.current.key);
const lookupHash = (plaintext: string) => licenseHashWith(newLicenseKey, plaintext);

async function rows(sql: string): Promise<Record<string, string>[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<Record<string, string>>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  process.env.DATA_ENCRYPTION_KEY = OLD_KEY;
  databaseUrl = await useIsolatedDatabase("re_encryption");
  const { userId, teamId } = await signUp({ name: "Keys", email: `keys-${Date.now()}@example.com`, password: "a long enough passphrase", teamName: "Keys" });
  for (const secret of SECRETS) {
    const input = { provider: "ecr", name: "", hostname: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", authType: "access_key", accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, roleArn: "", allApplications: true, applicationIds: [] };
    await createRegistry(teamId, { userId, email: "keys@example.com" }, ZCreateRegistryInput.parse(input));
  }
  await maintainSigningKeys(getLifecyclePolicy(), new Date());
  const application = await createApplication(teamId, { userId, email: "keys@example.com" }, { name: "Keys app" });
  ({ licenseId } = await createCustomer(teamId, { userId, email: "keys@example.com" }, ZCreateCustomerInput.parse({ applicationId: application.id, name: "Licensed", email: "", expiresOn: "" })));
  // An API answer kept for retries of its Idempotency-Key (it may hold a license ID).
  const { apiToken } = await createApiToken(teamId, { userId, role: "ADMIN" }, { userId, email: "keys@example.com" }, { name: "keys", role: "MEMBER", expiresInDays: null });
  const claim = await claimIdempotencyKey(apiToken.id, "re-encryption-key", "fingerprint");
  if (claim.kind !== "run") throw new Error("the key was already claimed");
  await storeIdempotentAnswer(claim.id, apiToken.id, { status: 201, body: JSON.stringify({ data: { licenseId } }), headers: {} });
}, 120_000);

describe("reEncryptStoredSecrets", () => {
  it("lists every encrypted column of the schema", () => {
    expect(ENCRYPTED_COLUMNS.map((column) => `${column.table}.${column.column}`)).toEqual(["Registry.encryptedCredentials", "OidcSigningKey.encryptedPrivateKey", "Customer.encryptedLicense", "ApiIdempotencyKey.encryptedResponse"]);
  });

  it("resumes after an interruption, re-encrypts everything under the new key once, and proves none is left", async () => {
    const before = await rows(`SELECT "encryptedCredentials" AS stored FROM "Registry" UNION ALL SELECT "encryptedPrivateKey" FROM "OidcSigningKey"`);
    expect(before.length).toBe(SECRETS.length + 1);
    expect(before.every((row) => row.stored!.split(":")[1] === old.current.id)).toBe(true);

    // Interrupted after the first batch of one row.
    const interrupted = reEncryptStoredSecrets(databaseUrl, createSecretBox(rotated), rotated.current.id, {
      batchSize: 1,
      onBatch: () => {
        throw new Error("interrupted");
      },
    });
    await expect(interrupted).rejects.toThrow("interrupted");
    const halfway = await rows(`SELECT split_part("encryptedCredentials", ':', 2) AS key_id, count(*) AS count FROM "Registry" GROUP BY 1 ORDER BY 1`);
    expect(halfway.map((row) => [row.key_id, Number(row.count)]).sort()).toEqual([[old.current.id, SECRETS.length - 1], [rotated.current.id, 1]].sort());

    const report = await reEncryptStoredSecrets(databaseUrl, createSecretBox(rotated), rotated.current.id, { batchSize: 2, lookupHash });
    expect(report.complete).toBe(true);
    expect(report.columns).toEqual([
      { name: "Registry.encryptedCredentials", reEncrypted: SECRETS.length - 1, undecryptable: [], remainingByKeyId: {} },
      { name: "OidcSigningKey.encryptedPrivateKey", reEncrypted: 1, undecryptable: [], remainingByKeyId: {} },
      { name: "Customer.encryptedLicense", reEncrypted: 1, undecryptable: [], remainingByKeyId: {} },
      { name: "ApiIdempotencyKey.encryptedResponse", reEncrypted: 1, undecryptable: [], remainingByKeyId: {} },
    ]);
    const [answer] = await rows(`SELECT "id", "tokenId", "encryptedResponse" AS stored FROM "ApiIdempotencyKey"`);
    expect(newOnly.decrypt(answer!.stored!, [answer!.tokenId!, answer!.id!])).toContain(licenseId);

    // The new key alone decrypts every value, each bound to its own row.
    const registries = await rows(`SELECT "id", "teamId", "encryptedCredentials" AS stored FROM "Registry"`);
    const secrets = registries.map((row) => JSON.parse(newOnly.decrypt(row.stored!, [row.teamId!, row.id!])) as { secretAccessKey: string });
    expect(secrets.map((secret) => secret.secretAccessKey).sort()).toEqual([...SECRETS].sort());
    const [signingKey] = await rows(`SELECT "id", "encryptedPrivateKey" AS stored FROM "OidcSigningKey"`);
    expect(newOnly.decrypt(signingKey!.stored!, [signingKey!.id!])).toContain("BEGIN PRIVATE KEY");

    // The license still logs in once the old key is gone: its lookup hash was rewritten with the new key.
    const [customer] = await rows(`SELECT "id", "teamId", "encryptedLicense" AS stored FROM "Customer"`);
    expect(newOnly.decrypt(customer!.stored!, [customer!.teamId!, customer!.id!])).toBe(licenseId);
    process.env.DATA_ENCRYPTION_KEY = NEW_KEY;
    resetEnvCache();
    resetLicenseKeyCache();
    expect(await findCustomerByLicense(licenseId)).toMatchObject({ id: customer!.id });

    // Running again changes nothing.
    const again = await reEncryptStoredSecrets(databaseUrl, createSecretBox(rotated), rotated.current.id, { lookupHash });
    expect(again.columns.map((column) => column.reEncrypted)).toEqual([0, 0, 0, 0]);
    expect(again.complete).toBe(true);
  });

  it("reports a value that no configured key decrypts, and is not complete", async () => {
    const stranger = parseDataKeyring({ current: generateDataKey() });
    const [registry] = await rows(`SELECT "id", "teamId" FROM "Registry" ORDER BY "id" LIMIT 1`);
    const foreign = createSecretBox(stranger).encrypt("{}", [registry!.teamId!, registry!.id!]);
    await rows(`UPDATE "Registry" SET "encryptedCredentials" = '${foreign}' WHERE "id" = '${registry!.id}'`);

    const report = await reEncryptStoredSecrets(databaseUrl, createSecretBox(rotated), rotated.current.id, { lookupHash });
    expect(report.complete).toBe(false);
    expect(report.columns[0]).toMatchObject({ undecryptable: [{ id: registry!.id, keyId: stranger.current.id }], remainingByKeyId: { [stranger.current.id]: 1 } });
  });
});
