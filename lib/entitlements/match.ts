// What a license's entitlements allow, as pure functions: repository globs
// (`*` within a path component, `**` across), tag patterns (`*` any
// characters), and the words a refusal uses to name what the license allows
// (only its own rules, in proxied names: never what exists elsewhere).
import type { TImageRule } from "@/lib/entitlements/schema";

export interface EffectiveRule extends TImageRule {
  /** The registry's hostname as stored ("host" or "host:port"), for proxied names in messages. */
  registryHostname: string;
  /** The channel the rule comes from; null for the customer's own rules. */
  channel: string | null;
}

export interface Entitlements {
  allImages: boolean;
  rules: EffectiveRule[];
}

/** What a license may do in one repository: every tag, or the tags matching these patterns. */
export interface RepositoryGrant {
  allTags: boolean;
  tagPatterns: string[];
}

const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string, star: string): RegExp {
  const key = `${star}\n${pattern}`;
  let regexp = compiled.get(key);
  if (!regexp) {
    const source = pattern
      .split("**")
      .map((part) => part.split("*").map((literal) => literal.replace(/[.+?^${}()|[\]\\-]/g, "\\$&")).join(star))
      .join(".*");
    regexp = new RegExp(`^${source}$`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, regexp);
  }
  return regexp;
}

export function repositoryMatches(pattern: string, repository: string): boolean {
  return globToRegExp(pattern, "[^/]*").test(repository);
}

export function tagMatches(pattern: string, tag: string): boolean {
  return globToRegExp(pattern, ".*").test(tag);
}

/** The license's grant in a repository of a registry; null when no rule covers it. */
export function repositoryGrant(entitlements: Entitlements, registryId: string, repository: string): RepositoryGrant | null {
  if (entitlements.allImages) return { allTags: true, tagPatterns: [] };
  const matching = entitlements.rules.filter((rule) => rule.registryId === registryId && repositoryMatches(rule.repository, repository));
  if (matching.length === 0) return null;
  if (matching.some((rule) => rule.tags.length === 0)) return { allTags: true, tagPatterns: [] };
  return { allTags: false, tagPatterns: [...new Set(matching.flatMap((rule) => rule.tags))] };
}

export function tagAllowed(grant: RepositoryGrant, tag: string): boolean {
  return grant.allTags || grant.tagPatterns.some((pattern) => tagMatches(pattern, tag));
}

/** "proxy/<app>/<host>/<repository>" of a rule, as the customer pulls it. */
export function ruleProxyName(rule: Pick<EffectiveRule, "registryHostname" | "repository">, appSlug: string): string {
  return `proxy/${appSlug}/${rule.registryHostname.replace(":", "_")}/${rule.repository}`;
}

/** One line per rule: the proxied name and its tags. */
export function describeRule(rule: EffectiveRule, appSlug: string): string {
  const tags = rule.tags.length === 0 ? "every tag" : `tags ${rule.tags.join(", ")}`;
  return `${ruleProxyName(rule, appSlug)} (${tags}${rule.channel ? `, channel ${rule.channel}` : ""})`;
}

/** What the license allows, for a refusal: its own rules only. */
export function describeEntitlements(entitlements: Entitlements, appSlug: string): string {
  if (entitlements.allImages) return `every image under proxy/${appSlug}/`;
  if (entitlements.rules.length === 0) return "no images yet (ask your vendor to give this license images or a channel)";
  const shown = entitlements.rules.slice(0, 10).map((rule) => describeRule(rule, appSlug));
  const more = entitlements.rules.length - shown.length;
  return `${shown.join("; ")}${more > 0 ? `; and ${more} more rules` : ""}`;
}
