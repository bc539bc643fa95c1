// Text PostgreSQL cannot store or compare: a NUL character (text columns
// refuse it, error 22021) and a lone UTF-16 surrogate (not a character at all:
// it cannot be encoded as UTF-8, so it would be stored as U+FFFD or make
// encodeURIComponent throw). Every input from a request is checked here before
// its schema runs (server actions through parseInput, the REST API through
// defineEndpoint), so such text is a 400 naming the field, never a database
// error. Pure.

/** Why `text` cannot be stored, or null when it can. */
export function unstorableTextReason(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain a NUL character (\\u0000)";
  if (!text.isWellFormed()) return "must be valid Unicode text (it contains an unpaired surrogate such as \\ud800)";
  return null;
}

export interface UnstorableText {
  /** Dot path of the value (or key) in the input, e.g. "applications.2"; "form" for the input itself. */
  field: string;
  reason: string;
}

const MAX_DEPTH = 32;

/** The first string (value or object key) anywhere in `input` that cannot be stored. */
export function findUnstorableText(input: unknown, path: readonly (string | number)[] = [], depth = 0): UnstorableText | null {
  const field = () => (path.length > 0 ? path.join(".") : "form");
  if (typeof input === "string") {
    const reason = unstorableTextReason(input);
    return reason ? { field: field(), reason } : null;
  }
  if (input === null || typeof input !== "object" || depth > MAX_DEPTH) return null;
  if (input instanceof FormData) {
    for (const [key, value] of input) {
      const found = findUnstorableText(key, path, depth + 1) ?? findUnstorableText(value, [...path, key], depth + 1);
      if (found) return found;
    }
    return null;
  }
  const entries: [string | number, unknown][] = Array.isArray(input) ? input.map((value, index) => [index, value]) : Object.entries(input);
  for (const [key, value] of entries) {
    if (typeof key === "string") {
      const reason = unstorableTextReason(key);
      if (reason) return { field: [...path, key.toWellFormed().replaceAll("\u0000", "\\u0000")].join("."), reason: `has a field name that ${reason}` };
    }
    const found = findUnstorableText(value, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}

/** "name must not contain a NUL character (\u0000)", for a field error. */
export function describeUnstorableText(found: UnstorableText): string {
  const label = found.field === "form" ? "The input" : found.field;
  return `${label} ${found.reason}.`;
}
