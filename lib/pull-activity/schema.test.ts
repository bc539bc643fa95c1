import { describe, expect, it } from "vitest";
import { dateRangeOf, parsePullActivityFilters, pullActivityQuery } from "@/lib/pull-activity/schema";

describe("pull activity filters", () => {
  it("reads every filter from the URL", () => {
    const filters = parsePullActivityFilters(new URLSearchParams("customer=c1&image=vendor/app&status=refused&action=blob&from=2026-01-01&to=2026-01-31&page=3"));
    expect(filters).toEqual({ customer: "c1", image: "vendor/app", status: "refused", action: "blob", from: "2026-01-01", to: "2026-01-31", page: 3 });
  });

  it("drops a bad value instead of failing the page", () => {
    expect(parsePullActivityFilters({ status: "pwned", from: "yesterday", to: "2026-13-45", page: "-4", action: ["x"] })).toEqual({ page: 1 });
  });

  it("takes the first of repeated parameters", () => {
    expect(parsePullActivityFilters({ customer: ["a", "b"] }).customer).toBe("a");
  });

  it("round-trips into a query string, page only when past the first", () => {
    const filters = parsePullActivityFilters({ customer: "c1", image: "a b", page: "1" });
    expect(pullActivityQuery(filters)).toBe("?customer=c1&image=a+b");
    expect(pullActivityQuery(filters, { page: 2 })).toBe("?customer=c1&image=a+b&page=2");
    expect(pullActivityQuery({ page: 1 })).toBe("");
  });

  it("covers whole UTC days, the last one included", () => {
    expect(dateRangeOf({ from: "2026-01-01", to: "2026-01-01" })).toEqual({ gte: new Date("2026-01-01T00:00:00Z"), lt: new Date("2026-01-02T00:00:00Z") });
    expect(dateRangeOf({})).toEqual({});
  });
});
