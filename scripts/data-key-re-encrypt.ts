// `npm run data-key:re-encrypt`: the last step of a data-encryption key
// rotation. Re-encrypts every stored secret and private key with the current
// DATA_ENCRYPTION_KEY, then proves nothing is left under another key, so the
// old key can be removed from DATA_ENCRYPTION_KEYS_PREVIOUS. Safe to run while
// portals serve, and to run again after an interruption.
import { parseDataKeyring } from "@/lib/crypto/data-keyring";
import { reEncryptStoredSecrets } from "@/lib/crypto/re-encryption";
import { createSecretBox } from "@/lib/crypto/secret-box";
import { deriveLicenseLookupKey, licenseHashWith } from "@/lib/customers/license-id";
import { log, preparePortalRuntime, runMain, StartupError } from "./lib/portal-runtime";

runMain(async () => {
  const runtime = await preparePortalRuntime();
  try {
    const { env } = runtime;
    const keyring = parseDataKeyring({ current: env.DATA_ENCRYPTION_KEY, ...(env.DATA_ENCRYPTION_KEYS_PREVIOUS ? { previous: env.DATA_ENCRYPTION_KEYS_PREVIOUS } : {}) });
    log(`re-encrypting stored secrets with the current key ${keyring.current.id} (${keyring.all.size - 1} previous key(s) configured)`);
    const licenseLookupKey = deriveLicenseLookupKey(keyring.current.key);
    const report = await reEncryptStoredSecrets(runtime.databaseUrl, createSecretBox(keyring), keyring.current.id, {
      // A license's lookup hash is keyed from the data key too: rewritten with it, so the old key can go.
      lookupHash: (licenseId) => licenseHashWith(licenseLookupKey, licenseId),
      onBatch: (column, done) => log(`  ${column}: ${done} re-encrypted so far`),
    });
    for (const column of report.columns) {
      const remaining = Object.entries(column.remainingByKeyId).map(([keyId, count]) => `${count} under ${keyId}`);
      log(`${column.name}: ${column.reEncrypted} re-encrypted; ${remaining.length === 0 ? "none left under another key" : `still ${remaining.join(", ")}`}`);
      for (const row of column.undecryptable) log(`  row ${row.id} (key ${row.keyId}) does not decrypt with any configured key`);
    }
    if (!report.complete) {
      throw new StartupError("Some values are still stored under another key (listed above). Add the key they name to DATA_ENCRYPTION_KEYS_PREVIOUS and run this again, or delete those rows' secrets.");
    }
    log(`done: every stored secret is under ${keyring.current.id}. Previous keys can be removed from DATA_ENCRYPTION_KEYS_PREVIOUS.`);
  } finally {
    await runtime.stop();
  }
});
