import { describe, expect, it } from "vitest";
import { z } from "zod";
import { firstValues, listHref, listPage, listSearch, optionalChoice, pageWindow } from "@/lib/lists/search-params";

const ZQuery = z.object({ q: listSearch, status: optionalChoice(["ok", "bad"]), page: listPage });
const DEFAULTS = { q: "", status: "", page: 1 } as const;

describe("list search params", () => {
  it("falls back to defaults for values a hand-edited URL got wrong", () => {
    expect(ZQuery.parse(firstValues({ q: "  prod ", status: "nonsense", page: "-3" }))).toEqual({ q: "prod", status: "", page: 1 });
    expect(ZQuery.parse(firstValues(new URLSearchParams("status=bad&status=ok&page=2")))).toEqual({ q: "", status: "bad", page: 2 });
  });

  it("builds canonical links without defaults, and goes back to page 1 when a filter changes", () => {
    const query = { q: "prod", status: "", page: 3 };
    expect(listHref("/x", query, DEFAULTS, { page: 4 })).toBe("/x?q=prod&page=4");
    expect(listHref("/x", query, DEFAULTS, { status: "bad" })).toBe("/x?q=prod&status=bad");
    expect(listHref("/x", { q: "", status: "", page: 1 }, DEFAULTS)).toBe("/x");
  });

  it("shows the last page for a page past the end", () => {
    expect(pageWindow(9, 51, 25)).toMatchObject({ page: 3, pageCount: 3, skip: 50, take: 25, from: 51, to: 51 });
    expect(pageWindow(1, 0, 25)).toMatchObject({ page: 1, pageCount: 1, from: 0, to: 0 });
  });
});
