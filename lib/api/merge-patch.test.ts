import { describe, expect, it } from "vitest";
import { z } from "zod";
import { applyMergePatch, mergePatchOntoInput } from "@/lib/api/merge-patch";
import { exampleOf } from "@/lib/api/examples";
import { ifMatchPasses, ifNoneMatchHits, resourceVersion } from "@/lib/api/resource-version";

describe("applyMergePatch", () => {
  // RFC 7396, Appendix A.
  const cases: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [["a", "b"], ["c", "d"], ["c", "d"]],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)("patches %j with %j into %j", (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });
});

describe("mergePatchOntoInput", () => {
  it("keeps the fields not named, empties the ones set to null, and refuses unknown fields by name", () => {
    const current = { name: "Acme", email: "ops@acme.example", expiresOn: "2030-12-31" };
    expect(mergePatchOntoInput(current, { email: null }, ["name", "email", "expiresOn"], { email: "" })).toEqual({ name: "Acme", email: "", expiresOn: "2030-12-31" });
    expect(() => mergePatchOntoInput(current, { nmae: "x" }, ["name"])).toThrow(expect.objectContaining({ fieldErrors: { nmae: expect.stringContaining("The fields are: name") } }));
    expect(() => mergePatchOntoInput(current, "x", ["name"])).toThrow(/JSON object/);
  });
});

describe("entity tags", () => {
  const version = resourceVersion({ id: "a", updatedAt: new Date("2026-01-15T12:00:00Z"), state: "active" });

  it("changes with any versioning field, not with how the time is written", () => {
    expect(resourceVersion({ id: "a", updatedAt: "2026-01-15T12:00:00.000Z", state: "active" }).etag).toBe(version.etag);
    expect(resourceVersion({ id: "a", updatedAt: "2026-01-15T12:00:00.001Z", state: "active" }).etag).not.toBe(version.etag);
    expect(resourceVersion({ id: "a", updatedAt: "2026-01-15T12:00:00.000Z", state: "expired" }).etag).not.toBe(version.etag);
  });

  it("compares If-Match strongly and If-None-Match weakly", () => {
    expect(ifMatchPasses(`"x", ${version.etag}`, version.etag)).toBe(true);
    expect(ifMatchPasses(`W/${version.etag}`, version.etag)).toBe(false);
    expect(ifMatchPasses("*", version.etag)).toBe(true);
    expect(ifNoneMatchHits(`W/${version.etag}`, version.etag)).toBe(true);
    expect(ifNoneMatchHits(`"other"`, version.etag)).toBe(false);
  });
});

describe("exampleOf", () => {
  it("builds an example that its schema accepts, preferring the schema's own", () => {
    const schema = z.object({
      at: z.iso.datetime(),
      kind: z.enum(["one", "two"]),
      count: z.number().int().min(3),
      tags: z.array(z.string().min(10)),
      note: z.string().nullable(),
      hidden: z.string().optional(),
      nested: z.object({ a: z.literal("x") }).meta({ example: { a: "x" } }),
    });
    const example = exampleOf(schema);
    expect(schema.safeParse(example).success).toBe(true);
    expect(example).toEqual({ at: "2026-01-15T12:00:00.000Z", kind: "one", count: 3, tags: ["stringxxxx"], note: "string", nested: { a: "x" } });
  });
});
