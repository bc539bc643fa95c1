import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findUnstorableText, unstorableTextReason } from "@/lib/http/storable-text";

describe("text the database can store", () => {
  it("refuses NUL characters and unpaired surrogates, accepts any other Unicode text", () => {
    expect(unstorableTextReason("a\u0000b")).toMatch(/NUL/);
    expect(unstorableTextReason("\ud800")).toMatch(/unpaired surrogate/);
    expect(unstorableTextReason("x\udc00y")).toMatch(/unpaired surrogate/);
    expect(unstorableTextReason("😀 café ✓")).toBeNull();
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (text) => unstorableTextReason(text.replaceAll("\u0000", "")) === null));
  });

  it("names the field of the first unstorable value or key, however deep", () => {
    expect(findUnstorableText({ name: "ok", applications: ["a", "b\u0000"] })).toEqual({ field: "applications.1", reason: expect.stringMatching(/NUL/) });
    expect(findUnstorableText({ nested: { "\ud800": 1 } })?.field).toBe("nested.\ufffd");
    expect(findUnstorableText("\u0000")?.field).toBe("form");
    const form = new FormData();
    form.set("name", "x\u0000");
    expect(findUnstorableText(form)?.field).toBe("name");
    expect(findUnstorableText({ name: "fine", count: 3, list: [null, true] })).toBeNull();
  });
});
