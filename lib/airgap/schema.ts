// What an air-gap download holds, as its URL says it: up to 50 images, each
// a proxied name with a tag, a digest or both (the page pins the digest, so
// the archive, its size and every offset stay the same while a download
// resumes), and optionally the platforms of multi-platform images to keep.
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

export const MAX_AIRGAP_PLATFORMS = 8;
const PLATFORM = /^([a-z0-9]+)\/([a-z0-9_]+)(?:\/([a-z0-9]+))?$/;

export interface AirGapPlatform {
  os: string;
  architecture: string;
  variant: string | null;
}

export const ZAirGapPlatform = z
  .string()
  .trim()
  .max(64, { error: "Platforms: a platform is at most 64 characters, such as linux/amd64." })
  .transform((value, context): AirGapPlatform => {
    const match = PLATFORM.exec(value);
    if (!match) {
      context.addIssue({ code: "custom", message: `Platforms: "${value.slice(0, 64)}" is not a platform; write os/architecture or os/architecture/variant, such as linux/amd64 or linux/arm64/v8.` });
      return z.NEVER;
    }
    return { os: match[1]!, architecture: match[2]!, variant: match[3] ?? null };
  });

export function platformName(platform: AirGapPlatform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

export const ZAirGapSelection = z.object({
  images: z.array(ZAirGapImage).min(1, { error: "Choose at least one image." }).max(MAX_AIRGAP_IMAGES, { error: `An archive holds at most ${MAX_AIRGAP_IMAGES} images.` }),
  // None: every platform of a multi-platform image.
  platforms: z
    .array(ZAirGapPlatform, { error: "Platforms must be a list such as [\"linux/amd64\", \"linux/arm64\"]." })
    .max(MAX_AIRGAP_PLATFORMS, { error: `Platforms: choose at most ${MAX_AIRGAP_PLATFORMS}, or none for all of them.` })
    .default([])
    // Sorted and without repeats, so the same choice always makes the same archive (and link).
    .transform((platforms) => [...new Map(platforms.map((platform) => [platformName(platform), platform])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, platform]) => platform)),
});
export type TAirGapSelection = z.output<typeof ZAirGapSelection>;
export type TAirGapSelectionInput = z.input<typeof ZAirGapSelection>;

/** The selection from a download URL's query: image=…&image=…[&platform=…&platform=…]. */
export function selectionFromQuery(query: URLSearchParams) {
  return ZAirGapSelection.safeParse({ images: query.getAll("image"), platforms: query.getAll("platform") });
}

/** The query of a download URL for the chosen images (the page pins each digest) and platforms. */
export function airGapQuery(images: { name: string; tag: string | null; digest: string | null }[], platforms: (string | AirGapPlatform)[] = []): string {
  const query = new URLSearchParams();
  for (const image of images) query.append("image", `${image.name}${image.tag ? `:${image.tag}` : ""}${image.digest ? `@${image.digest}` : ""}`);
  for (const platform of platforms) query.append("platform", typeof platform === "string" ? platform : platformName(platform));
  return query.toString();
}
