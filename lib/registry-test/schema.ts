// The Test form's one input: an optional image to look for, shared by the
// form and the route that runs the test.
import { z } from "zod";
import type { ParseResult } from "@/lib/parse-result";

export interface ImageReference {
  repository: string;
  /** A tag or a sha256 digest. */
  reference: string;
}

const PATH_COMPONENT = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const REPOSITORY = new RegExp(String.raw`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const EXAMPLE = "Enter an image as repository:tag or repository@sha256:<digest>, e.g. my-app/api:1.4.2";

/**
 * Parses "repo:tag", "repo@sha256:…" or "<this registry's hostname>/repo:tag".
 * As docker does, an untagged "repo" means "repo:latest"; a repository typed
 * with capitals ("Vendor/App:1.0") is taken in lower case, since registries
 * only hold lower-case names (imageReferenceNote says so to the vendor).
 */
export function parseImageReference(input: string, registryHostname?: string): ParseResult<ImageReference> {
  let value = input.trim();
  if (registryHostname && value.toLowerCase().startsWith(`${registryHostname}/`)) value = value.slice(registryHostname.length + 1);
  let repository: string;
  let reference: string;
  const at = value.indexOf("@");
  if (at >= 0) {
    repository = value.slice(0, at);
    reference = value.slice(at + 1);
    if (!DIGEST.test(reference)) return { ok: false, message: `The digest must be sha256: followed by 64 lowercase hex characters. ${EXAMPLE}.` };
  } else {
    const colon = tagSeparator(value);
    repository = colon < 0 ? value : value.slice(0, colon);
    reference = colon < 0 ? DEFAULT_TAG : value.slice(colon + 1);
    if (!TAG.test(reference)) return { ok: false, message: `A tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-". ${EXAMPLE}.` };
  }
  repository = repository.toLowerCase();
  if (repository.length > 256 || !REPOSITORY.test(repository)) {
    return { ok: false, message: `The repository name must be letters, digits and separators (. _ - /), as the registry shows it. ${EXAMPLE}.` };
  }
  return { ok: true, value: { repository, reference } };
}

const DEFAULT_TAG = "latest";

/** Where the tag starts: the last ":" after the last "/", or -1 when untagged. */
function tagSeparator(value: string): number {
  const colon = value.lastIndexOf(":");
  return colon > value.lastIndexOf("/") ? colon : -1;
}

/** What parseImageReference read differently from what was typed, for a note under the field; null when nothing. */
export function imageReferenceNote(input: string): string | null {
  const value = input.trim();
  if (!value || !parseImageReference(value).ok) return null;
  const notes: string[] = [];
  const withoutDigest = value.split("@")[0]!;
  const colon = tagSeparator(withoutDigest);
  const repository = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  if (repository !== repository.toLowerCase()) notes.push(`the repository is looked up as ${repository.toLowerCase()} (registries hold lower-case names)`);
  if (!value.includes("@") && colon < 0) notes.push(`no tag was given, so the tag ${DEFAULT_TAG} is checked`);
  return notes.length ? `Note: ${notes.join("; ")}.` : null;
}

export const ZRegistryTestInput = z.object({
  image: z
    .string()
    .trim()
    .max(400, { error: "The image reference is too long (400 characters at most)." })
    .optional()
    .superRefine((value, context) => {
      if (!value) return;
      const parsed = parseImageReference(value);
      if (!parsed.ok) context.addIssue({ code: "custom", message: parsed.message });
    }),
});

export type TRegistryTestInput = z.infer<typeof ZRegistryTestInput>;
