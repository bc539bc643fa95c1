// JSON Merge Patch (RFC 7396) for the REST API's PATCH operations: the patch
// is merged onto the resource's current input (what its edit form would
// show), and the result is validated with the form's own schema, so a patch
// is held to exactly the rules of a full update. Pure: runs anywhere.
import { UserFacingError } from "@/lib/http/result";

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** RFC 7396 §2: objects merge member by member, null removes a member, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * Merges a patch onto a resource's current input. `fields` are the members a
 * patch may name (a typo is refused, not ignored); `empty` is what a member
 * removed with null becomes (e.g. "" for an optional text, no email).
 */
export function mergePatchOntoInput<T extends JsonObject>(current: T, patch: unknown, fields: readonly string[], empty: Partial<Record<keyof T, unknown>> = {}): JsonObject {
  if (!isObject(patch)) throw new UserFacingError("invalid_input", "A merge patch must be a JSON object naming the fields to change, e.g. {\"name\": \"new name\"}.");
  const unknown = Object.keys(patch).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new UserFacingError(
      "invalid_input",
      `The patch names ${unknown.length === 1 ? "a field" : "fields"} this object does not have.`,
      Object.fromEntries(unknown.map((key) => [key, `Unknown field. The fields are: ${fields.join(", ")}.`])),
    );
  }
  const merged = applyMergePatch(current, patch) as JsonObject;
  for (const [key, value] of Object.entries(empty)) if (!(key in merged)) merged[key] = value;
  return merged;
}
