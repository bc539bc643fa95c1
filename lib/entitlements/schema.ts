// Inputs of entitlements and channels, shared by the customer page's form,
// an application's Channels section, the REST API and the services.
import { z } from "zod";

const ID = z.string().min(1).max(64);

/**
 * A repository name under a registry, exact (`vendor/app`) or a glob:
 * `*` matches within one path component (`vendor/enterprise-*`), `**` across
 * components (`vendor/**`).
 */
export const ZRepositoryPattern = z
  .string()
  .trim()
  .min(1, { error: "Enter a repository, e.g. vendor/app or vendor/enterprise-*." })
  .max(255, { error: "A repository is at most 255 characters." })
  .regex(/^[a-z0-9*]+(?:(?:\.|_|__|-+|\/)[a-z0-9*]+)*$/, {
    error: "A repository is lower-case letters, digits and . _ - separated by /, with * (within a component) or ** (across components) as wildcards, e.g. vendor/enterprise-*.",
  });

/** A tag, exact (`stable`) or with `*` wildcards (`1.*`). */
export const ZTagPattern = z
  .string()
  .trim()
  .min(1, { error: "A tag pattern cannot be empty." })
  .max(128, { error: "A tag pattern is at most 128 characters." })
  .regex(/^[A-Za-z0-9_*][A-Za-z0-9_.*-]*$/, { error: "A tag pattern is letters, digits, _ . - and * (any characters), e.g. 1.* or stable." });

export const ZImageRule = z.object({
  registryId: ID.meta({ description: "A registry of the team that serves the application." }),
  repository: ZRepositoryPattern,
  tags: z.array(ZTagPattern).max(50, { error: "At most 50 tag patterns per rule." }).default([]).meta({ description: "Tag patterns; empty allows every tag (and every digest) of the repository." }),
});
export type TImageRule = z.output<typeof ZImageRule>;

export const ZImageRules = z.array(ZImageRule).max(100, { error: "At most 100 rules." });

export const ZChannelName = z.string().trim().min(1, { error: "Enter the channel's name, e.g. Stable." }).max(60, { error: "A channel name is at most 60 characters." });

export const ZEntitlementsFields = z.object({
  allImages: z.boolean().meta({ description: "true: every image of the application (the default). false: only what rules and channels allow." }),
  rules: ZImageRules.default([]),
  channelIds: z.array(ID).max(20, { error: "At most 20 channels per customer." }).default([]),
});

export const ZUpdateEntitlementsInput = ZEntitlementsFields.extend({ customerId: ID });
export type TUpdateEntitlementsInput = z.input<typeof ZUpdateEntitlementsInput>;

export const ZChannelFields = z.object({ name: ZChannelName, rules: ZImageRules.min(1, { error: "A channel needs at least one rule." }) });

export const ZCreateChannelInput = ZChannelFields.extend({ applicationId: ID });
export type TCreateChannelInput = z.input<typeof ZCreateChannelInput>;

export const ZUpdateChannelInput = ZChannelFields.extend({ channelId: ID });
export type TUpdateChannelInput = z.input<typeof ZUpdateChannelInput>;

export const ZChannelIdInput = z.object({ channelId: ID });

/** Stored rules as read back from the database (a JSON column): anything unreadable is dropped, never widened. */
export function storedRules(value: unknown): TImageRule[] {
  const parsed = ZImageRules.safeParse(value);
  return parsed.success ? parsed.data : [];
}
