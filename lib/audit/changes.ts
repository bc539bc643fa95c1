// "What changed" on an edit, for the audit log: each changed field with its
// value before and after, except secrets, which are only said to have changed.
// Pure. Values are the non-secret ones a page already shows.

export type AuditChangeValue = string | number | boolean | null | string[];

export type AuditChange = { field: string; from: AuditChangeValue; to: AuditChangeValue } | { field: string; changed: true };

export interface AuditedField<T> {
  /** As the audit log shows it: "Hostname", "Role ARN". */
  label: string;
  value: (record: T) => AuditChangeValue;
  /** Secrets (credentials, keys): recorded as "changed", never their values. */
  secret?: boolean;
}

export function auditChanges<T>(before: T, after: T, fields: readonly AuditedField<T>[], alsoChanged: readonly string[] = []): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const field of fields) {
    const from = field.value(before);
    const to = field.value(after);
    if (sameValue(from, to)) continue;
    changes.push(field.secret ? { field: field.label, changed: true } : { field: field.label, from, to });
  }
  for (const label of alsoChanged) changes.push({ field: label, changed: true });
  return changes;
}

function sameValue(a: AuditChangeValue, b: AuditChangeValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, index) => value === b[index]);
  return a === b;
}

/** Reads `changes` back from an event's metadata (the audit page, the CSV), dropping anything malformed. */
export function readAuditChanges(metadata: unknown): AuditChange[] {
  if (!metadata || typeof metadata !== "object" || !("changes" in metadata) || !Array.isArray(metadata.changes)) return [];
  return metadata.changes.filter((change): change is AuditChange => !!change && typeof change === "object" && typeof (change as { field?: unknown }).field === "string");
}
