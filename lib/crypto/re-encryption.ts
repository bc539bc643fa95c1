// Re-encrypts every stored secret with the current data-encryption key, so an
// old key can leave DATA_ENCRYPTION_KEYS_PREVIOUS. Works in batches that each
// commit: interrupted, it resumes where it stopped (rows already under the
// current key are skipped). Ends with a count, per column and key ID, of
// what is still stored under another key: zero everywhere is the proof.
//
// Every encrypted column is listed in ENCRYPTED_COLUMNS; a new one is one line.
import pg from "pg";
import type { SecretBox } from "@/lib/crypto/secret-box";

export interface EncryptedColumn {
  table: string;
  column: string;
  /** The row's columns that form the associated data, in the order the code that encrypts passes them. */
  associatedData: string[];
  /** A lookup hash of the same value keyed from the data key (licenses): rewritten with the current key alongside. */
  lookupHashColumn?: string;
}

export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: "Registry", column: "encryptedCredentials", associatedData: ["teamId", "id"] },
  { table: "OidcSigningKey", column: "encryptedPrivateKey", associatedData: ["id"] },
  { table: "Customer", column: "encryptedLicense", associatedData: ["teamId", "id"], lookupHashColumn: "licenseHash" },
  { table: "ApiIdempotencyKey", column: "encryptedResponse", associatedData: ["tokenId", "id"] },
];

export interface ColumnReport {
  name: string;
  reEncrypted: number;
  /** Rows that no configured key decrypts (or that were stored for another row): left as they are. */
  undecryptable: { id: string; keyId: string }[];
  /** What is still stored under a key other than the current one, by key ID. */
  remainingByKeyId: Record<string, number>;
}

export interface ReEncryptionReport {
  currentKeyId: string;
  columns: ColumnReport[];
  /** True when every stored value is under the current key. */
  complete: boolean;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
const keyIdOfStored = (stored: string) => stored.split(":")[1] ?? "";

export async function reEncryptStoredSecrets(
  databaseUrl: string,
  box: SecretBox,
  currentKeyId: string,
  options: {
    batchSize?: number;
    columns?: readonly EncryptedColumn[];
    onBatch?: (column: string, done: number) => void;
    /** The current key's lookup hash of a value, for columns with lookupHashColumn. */
    lookupHash?: (plaintext: string) => string;
  } = {},
): Promise<ReEncryptionReport> {
  const batchSize = options.batchSize ?? 100;
  const lookupHashOf = (plaintext: string) => {
    if (!options.lookupHash) throw new Error("a column with a lookup hash needs options.lookupHash");
    return options.lookupHash(plaintext);
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const columns: ColumnReport[] = [];
    for (const spec of options.columns ?? ENCRYPTED_COLUMNS) {
      const report: ColumnReport = { name: `${spec.table}.${spec.column}`, reEncrypted: 0, undecryptable: [], remainingByKeyId: {} };
      const table = quote(spec.table);
      const column = quote(spec.column);
      const selected = ["id", ...spec.associatedData.filter((name) => name !== "id")].map(quote).join(", ");
      let lastId = "";
      for (;;) {
        // Keyset pagination by id: a row that cannot be re-encrypted is not selected again.
        const { rows } = await client.query<Record<string, string>>(
          `SELECT ${selected}, ${column} AS stored FROM ${table} WHERE ${column} IS NOT NULL AND split_part(${column}, ':', 2) <> $1 AND "id" > $2 ORDER BY "id" LIMIT $3`,
          [currentKeyId, lastId, batchSize],
        );
        if (rows.length === 0) break;
        await client.query("BEGIN");
        try {
          for (const row of rows) {
            const associatedData = spec.associatedData.map((name) => row[name]!);
            let plaintext: string;
            try {
              plaintext = box.decrypt(row.stored!, associatedData);
            } catch {
              report.undecryptable.push({ id: row.id!, keyId: keyIdOfStored(row.stored!) });
              continue;
            }
            // Only if unchanged since it was read: a concurrent edit already wrote it under the current key.
            const updated = spec.lookupHashColumn
              ? await client.query(`UPDATE ${table} SET ${column} = $1, ${quote(spec.lookupHashColumn)} = $4 WHERE "id" = $2 AND ${column} = $3`, [
                  box.encrypt(plaintext, associatedData),
                  row.id,
                  row.stored,
                  lookupHashOf(plaintext),
                ])
              : await client.query(`UPDATE ${table} SET ${column} = $1 WHERE "id" = $2 AND ${column} = $3`, [box.encrypt(plaintext, associatedData), row.id, row.stored]);
            report.reEncrypted += updated.rowCount ?? 0;
          }
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        }
        lastId = rows[rows.length - 1]!.id!;
        options.onBatch?.(report.name, report.reEncrypted);
      }
      const remaining = await client.query<{ key_id: string; count: string }>(
        `SELECT split_part(${column}, ':', 2) AS key_id, count(*) AS count FROM ${table} WHERE ${column} IS NOT NULL AND split_part(${column}, ':', 2) <> $1 GROUP BY 1 ORDER BY 1`,
        [currentKeyId],
      );
      report.remainingByKeyId = Object.fromEntries(remaining.rows.map((row) => [row.key_id, Number(row.count)]));
      columns.push(report);
    }
    return { currentKeyId, columns, complete: columns.every((report) => Object.keys(report.remainingByKeyId).length === 0) };
  } finally {
    await client.end().catch(() => {});
  }
}
