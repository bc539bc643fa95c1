// What an air-gap download holds, as its URL says it: up to 50 images, each
// a proxied name with a tag, a digest or both (the page pins the digest, so
// the archive, its size and every offset stay the same while a download
// resumes), and optionally one platform for image indexes.
import { z } from "zod";

export const MAX_AIRGAP_IMAGES = 50;

const IMAGE = /^(proxy\/[a-z0-9._/-]+?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export const ZAirGapImage = z
  .string()
  .trim()
  .max(400, { error: "An image reference is at most 400 characters." })
  .transform((value, context) => {
    const match = IMAGE.exec(value);
    if (!match || (!match[2] && !match[3])) {
      context.addIssue({ code: "custom", message: `"${value.slice(0, 80)}" is not an image: use proxy/<application>/<registry>/<repository>:<tag>, @sha256:<digest>, or both.` });
      return z.NEVER;
    }
    return { name: match[1]!, tag: match[2] ?? null, digest: match[3] ?? null };
  });

export const ZAirGapPlatform = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/, { error: "A platform looks like linux/amd64 or linux/arm64/v8." })
  .transform((value) => {
    const [os, architecture, variant] = value.split("/") as [string, string, string | undefined];
    return { os, architecture, variant: variant ?? null };
  });

export const ZAirGapSelection = z.object({
  images: z.array(ZAirGapImage).min(1, { error: "Choose at least one image." }).max(MAX_AIRGAP_IMAGES, { error: `An archive holds at most ${MAX_AIRGAP_IMAGES} images.` }),
  platform: ZAirGapPlatform.nullable().default(null),
});
export type TAirGapSelection = z.output<typeof ZAirGapSelection>;

/** The selection from a download URL's query: image=…&image=…[&platform=…]. */
export function selectionFromQuery(query: URLSearchParams) {
  return ZAirGapSelection.safeParse({ images: query.getAll("image"), platform: query.get("platform") || null });
}

/** The query of a download URL for the chosen images (the page pins each digest). */
export function airGapQuery(images: { name: string; tag: string | null; digest: string | null }[], platform?: string): string {
  const query = new URLSearchParams();
  for (const image of images) query.append("image", `${image.name}${image.tag ? `:${image.tag}` : ""}${image.digest ? `@${image.digest}` : ""}`);
  if (platform) query.set("platform", platform);
  return query.toString();
}
