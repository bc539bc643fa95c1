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

/** Parses "repo:tag", "repo@sha256:…" or "<this registry's hostname>/repo:tag". */
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
    const colon = value.lastIndexOf(":");
    if (colon <= 0 || value.indexOf("/", colon) >= 0) return { ok: false, message: `Add a tag. ${EXAMPLE}.` };
    repository = value.slice(0, colon);
    reference = value.slice(colon + 1);
    if (!TAG.test(reference)) return { ok: false, message: `A tag is up to 128 letters, digits, "_", "." and "-", not starting with "." or "-". ${EXAMPLE}.` };
  }
  if (repository.length > 256 || !REPOSITORY.test(repository)) {
    return { ok: false, message: `The repository name must be lowercase letters, digits and separators (. _ - /), as the registry shows it. ${EXAMPLE}.` };
  }
  return { ok: true, value: { repository, reference } };
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
