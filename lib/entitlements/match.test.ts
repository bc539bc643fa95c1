import { describe, expect, it } from "vitest";
import { describeEntitlements, repositoryGrant, repositoryMatches, tagAllowed, tagMatches, type Entitlements } from "@/lib/entitlements/match";
import { ZImageRule, ZRepositoryPattern, ZTagPattern } from "@/lib/entitlements/schema";

const rule = (repository: string, tags: string[] = [], registryId = "reg1") => ({ registryId, repository, tags, registryHostname: "registry.example.com", channel: null });

describe("repository globs", () => {
  it("matches an exact name and nothing longer or shorter", () => {
    expect(repositoryMatches("vendor/app", "vendor/app")).toBe(true);
    expect(repositoryMatches("vendor/app", "vendor/app2")).toBe(false);
    expect(repositoryMatches("vendor/app", "vendor")).toBe(false);
  });
  it("lets * stay within one path component and ** cross them", () => {
    expect(repositoryMatches("vendor/enterprise-*", "vendor/enterprise-api")).toBe(true);
    expect(repositoryMatches("vendor/enterprise-*", "vendor/enterprise-api/worker")).toBe(false);
    expect(repositoryMatches("vendor/enterprise-*", "vendor/community-api")).toBe(false);
    expect(repositoryMatches("vendor/**", "vendor/a/b")).toBe(true);
  });
  it("treats dots and dashes literally", () => {
    expect(repositoryMatches("a.b", "axb")).toBe(false);
    expect(tagMatches("1.*", "1.2.3")).toBe(true);
    expect(tagMatches("1.*", "12")).toBe(false);
    expect(tagMatches("stable", "stable-rc")).toBe(false);
  });
});

describe("grants", () => {
  const entitlements: Entitlements = { allImages: false, rules: [rule("vendor/enterprise-*", ["1.*", "stable"]), rule("vendor/base"), rule("vendor/base", ["x"], "reg2")] };
  it("allows every tag when a rule has no tag patterns, only matching tags otherwise", () => {
    expect(repositoryGrant(entitlements, "reg1", "vendor/base")).toEqual({ allTags: true, tagPatterns: [] });
    const grant = repositoryGrant(entitlements, "reg1", "vendor/enterprise-api")!;
    expect(tagAllowed(grant, "1.4")).toBe(true);
    expect(tagAllowed(grant, "stable")).toBe(true);
    expect(tagAllowed(grant, "2.0")).toBe(false);
  });
  it("refuses a repository of another registry or no rule", () => {
    expect(repositoryGrant(entitlements, "reg2", "vendor/enterprise-api")).toBeNull();
    expect(repositoryGrant(entitlements, "reg1", "vendor/other")).toBeNull();
  });
  it("allows everything with all images", () => {
    expect(repositoryGrant({ allImages: true, rules: [] }, "any", "any/thing")).toEqual({ allTags: true, tagPatterns: [] });
  });
  it("names only the license's own rules in proxied names", () => {
    expect(describeEntitlements(entitlements, "app")).toBe(
      "proxy/app/registry.example.com/vendor/enterprise-* (tags 1.*, stable); proxy/app/registry.example.com/vendor/base (every tag); proxy/app/registry.example.com/vendor/base (tags x)",
    );
  });
});

describe("rule inputs", () => {
  it("accepts globs and tag patterns and explains a bad one", () => {
    expect(ZRepositoryPattern.safeParse("vendor/enterprise-*").success).toBe(true);
    expect(ZRepositoryPattern.safeParse("Vendor/App").error?.issues[0]?.message).toMatch(/lower-case/);
    expect(ZTagPattern.safeParse("1.*").success).toBe(true);
    expect(ZTagPattern.safeParse("-x").success).toBe(false);
    expect(ZImageRule.parse({ registryId: "r", repository: "a" }).tags).toEqual([]);
  });
});
