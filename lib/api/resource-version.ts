// Entity tags of the REST API's single resources. An ETag is a strong
// validator made from the fields that version the resource (its ID, its
// updatedAt and whatever else changes its representation without an edit,
// such as a registry's test status), so the ETag of a write's answer is the
// ETag a GET gives afterwards. If-Match and If-None-Match are compared here;
// the conditional write itself is lib/db/conditional-write.ts. Pure.
import { createHash } from "node:crypto";

export interface ResourceVersion {
  etag: string;
  /** The version a conditional write checks. */
  updatedAt: Date;
}

type VersionField = string | number | boolean | Date | null | undefined;

export function resourceVersion(fields: { id: string; updatedAt: Date | string } & Record<string, VersionField>): ResourceVersion {
  const normalized = Object.entries(fields)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value ?? null)]);
  const digest = createHash("sha256").update(JSON.stringify(normalized)).digest("base64url").slice(0, 32);
  return { etag: `"${digest}"`, updatedAt: new Date(fields.updatedAt) };
}

/** The entity tags of an If-Match or If-None-Match header; "*" stays "*". */
function entityTags(header: string): string[] {
  return header.match(/(?:W\/)?"[^"]*"|\*/g) ?? [];
}

/** If-Match (RFC 9110 §13.1.1): strong comparison; "*" matches any current resource. */
export function ifMatchPasses(header: string, etag: string): boolean {
  return entityTags(header).some((tag) => tag === "*" || tag === etag);
}

/** If-None-Match (RFC 9110 §13.1.2): weak comparison; true when the client's copy is current (answer 304). */
export function ifNoneMatchHits(header: string, etag: string): boolean {
  return entityTags(header).some((tag) => tag === "*" || tag.replace(/^W\//, "") === etag);
}

/** JSON with every object's keys sorted, so equal content always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The version of a resource whose representation carries no updatedAt of its
 * own (a customer's entitlements): its ETag is made from its content (an ETag
 * only has to tell versions of one URL apart), and `updatedAt` (of the row it
 * is stored in) is what a conditional write checks.
 */
export function contentVersion(content: unknown, updatedAt: Date | string): ResourceVersion {
  const digest = createHash("sha256").update(canonicalJson(content)).digest("base64url").slice(0, 32);
  return { etag: `"${digest}"`, updatedAt: new Date(updatedAt) };
}
