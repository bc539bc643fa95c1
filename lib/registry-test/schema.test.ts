import { describe, expect, it } from "vitest";
import { imageReferenceNote, parseImageReference, ZRegistryTestInput } from "@/lib/registry-test/schema";

const digest = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  it.each([
    ["app:1.0", { repository: "app", reference: "1.0" }],
    ["team/app/api:v2_rc-1", { repository: "team/app/api", reference: "v2_rc-1" }],
    [`app@${digest}`, { repository: "app", reference: digest }],
    ["111111111111.dkr.ecr.eu-west-1.amazonaws.com/app:1", { repository: "app", reference: "1" }],
    ["Vendor/App:1.0", { repository: "vendor/app", reference: "1.0" }],
    ["vendor/app", { repository: "vendor/app", reference: "latest" }],
  ])("accepts %s", (input, expected) => {
    expect(parseImageReference(input, "111111111111.dkr.ecr.eu-west-1.amazonaws.com")).toEqual({ ok: true, value: expected });
  });

  it.each([["app:"], ["app:-bad"], ["app@sha256:xyz"], ["../etc/passwd:1"], ["app:1/x"], ["app:" + "t".repeat(129)]])("refuses %s with an example of a valid image", (input) => {
    const parsed = parseImageReference(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain("my-app/api:1.4.2");
  });

  it("lets the image be left empty", () => {
    expect(ZRegistryTestInput.safeParse({}).success).toBe(true);
    expect(ZRegistryTestInput.safeParse({ image: "no pe" }).success).toBe(false);
  });
});

describe("imageReferenceNote", () => {
  it("says when the repository is lower-cased and when latest is assumed", () => {
    expect(imageReferenceNote("Vendor/App:1.0")).toBe("Note: the repository is looked up as vendor/app (registries hold lower-case names).");
    expect(imageReferenceNote("vendor/app")).toBe("Note: no tag was given, so the tag latest is checked.");
    expect(imageReferenceNote("Vendor/App")).toContain("vendor/app (registries hold lower-case names); no tag was given");
  });

  it("says nothing for an image read as typed, or one that is refused", () => {
    expect(imageReferenceNote("vendor/app:1.0")).toBeNull();
    expect(imageReferenceNote(`vendor/app@${digest}`)).toBeNull();
    expect(imageReferenceNote("no pe")).toBeNull();
    expect(imageReferenceNote("")).toBeNull();
  });
});
