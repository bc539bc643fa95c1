import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/lib/auth/callback-url";

const APP_URL = "https://portal.example.com";

describe("safeCallbackUrl", () => {
  it("keeps a path on this site, with its query and fragment", () => {
    expect(safeCallbackUrl("/apps/web/registries?x=1#top", APP_URL)).toBe("/apps/web/registries?x=1#top");
    expect(safeCallbackUrl("/invite/abc", APP_URL)).toBe("/invite/abc");
  });

  it.each([
    ["a tab between the slashes, which browsers drop", "/\t/evil.example"],
    ["a newline between the slashes", "/\n/evil.example"],
    ["a carriage return", "/\r/evil.example"],
    ["a NUL", "/\u0000/evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash that browsers read as a slash", "/\\evil.example"],
    ["an absolute URL", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "apps"],
    ["an empty value", ""],
  ])("refuses %s", (_what, value) => {
    expect(safeCallbackUrl(value, APP_URL)).toBeNull();
  });

  it("refuses anything that is not one string", () => {
    expect(safeCallbackUrl(undefined, APP_URL)).toBeNull();
    expect(safeCallbackUrl(["/apps", "/team"], APP_URL)).toBeNull();
  });

  it("returns a normalised path that cannot leave the site", () => {
    expect(safeCallbackUrl("/../../apps", APP_URL)).toBe("/apps");
    expect(safeCallbackUrl("/%2F%2Fevil.example", APP_URL)).toBe("/%2F%2Fevil.example");
  });
});
