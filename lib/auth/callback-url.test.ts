import fc from "fast-check";
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
    ["a C1 control character", "/\u0085/evil.example"],
    ["a protocol-relative URL", "//evil.example"],
    ["a backslash that browsers read as a slash", "/\\evil.example"],
    ["an absolute URL", "https://evil.example/"],
    ["a javascript: URL", "javascript:alert(1)"],
    ["a relative path", "apps"],
    ["an empty value", ""],
  ])("refuses %s", (_what, value) => {
    expect(safeCallbackUrl(value, APP_URL)).toBeNull();
  });

  it.each([
    ["a dot segment that leaves two slashes", "/.//evil.example"],
    ["a parent segment that leaves two slashes", "/..//evil.example"],
    ["a segment and its parent", "/x/..//evil.example"],
    ["percent-encoded dots", "/%2e%2e//evil.example%2Fphish"],
    ["mixed-case percent-encoded dots", "/%2E//evil.example"],
    ["a dot segment before a backslash", "/./\\/evil.example"],
  ])("refuses %s, which resolves to a path starting with //", (_what, value) => {
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

  // What a browser does with the value: resolves it against the page's URL.
  function followedByBrowser(path: string): URL {
    return new URL(path, APP_URL);
  }

  const pieces = fc.constantFrom(
    "/", "//", "\\", ".", "..", "%2e", "%2E", "%2e%2e", "%2f", "%2F", "%5c", "%5C", "%00", "%09", "%0a", "%252f",
    "evil.example", "a", "x", "?", "#", "@", ":", " ", "\t", "\n", "\r", "\u0000", "\u007f", "\u0085",
    "\u2028", "\u2029", "\u200b", "\ufeff", "\uff0f", "\uff3c", "\u2215", "\u3002", "é", "\ud800", "\udfff", "https:", "javascript:",
  );
  const candidates = fc.oneof(
    fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join("")),
    fc.array(pieces, { maxLength: 12 }).map((parts) => `/${parts.join("")}`),
    fc.string({ unit: "binary", maxLength: 40 }).map((text) => `/${text}`),
    fc.string({ unit: "binary", maxLength: 40 }),
  );

  it("never returns a value that a browser resolves to another origin or to a path starting with //", () => {
    fc.assert(
      fc.property(candidates, (value) => {
        const safe = safeCallbackUrl(value, APP_URL);
        if (safe === null) return;
        const resolved = followedByBrowser(safe);
        expect(resolved.origin).toBe(new URL(APP_URL).origin);
        expect(resolved.pathname === "/" || /^\/[^/\\]/.test(resolved.pathname)).toBe(true);
        expect(safe).toMatch(/^\/(?![/\\])/);
        expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\\]/);
        // What it returns is itself safe and unchanged by a second pass: the sign-in page and next-auth agree.
        expect(safeCallbackUrl(safe, APP_URL)).toBe(safe);
      }),
      { numRuns: 5000 },
    );
  });

  it("keeps every plain path on this site", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/${segments.join("/")}`;
        expect(safeCallbackUrl(path, APP_URL)).toBe(path);
      }),
    );
  });
});
