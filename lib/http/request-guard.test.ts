import { describe, expect, it } from "vitest";
import { refusalOf, SERVER_ACTION_BODY_LIMIT_BYTES } from "@/lib/http/request-guard";

const get = (url: string) => refusalOf({ method: "GET", url, headers: { host: "portal.example" } });
const post = (url: string, headers: Record<string, string>) => refusalOf({ method: "POST", url, headers: { host: "portal.example", "content-length": "10", ...headers } });

describe("requests refused before Next.js", () => {
  it("refuses broken percent-encoding and NUL characters in the path", () => {
    for (const url of ["/api/v1/registries/%FF", "/apps/%FF", "/apps/%E2%82", "/apps/100%", "/api/v1/applications/%00", "/apps/%ED%A0%80/customers", "/apps/%FF?from=2026-01-01"]) {
      expect(get(url)?.code, url).toBe("invalid_input");
    }
  });

  it("lets well-formed paths through, and leaves the query string to the schemas that read it", () => {
    for (const url of ["/", "/apps/my-app", "/apps/caf%C3%A9", "/team/audit?from=2026-01-01&actor=user%3Aabc", "/x?q=a+b&r=%2B", "/api/v1/applications/abc?limit=5", "/team/audit?from=%FF", "/sign-in?callbackUrl=%2F%00%2Fevil.example"]) {
      expect(get(url), url).toBeNull();
    }
  });

  it("refuses a page POST (a server action) from another site or with an Origin that is no URL", () => {
    expect(post("/apps", { origin: "https://evil.example" })?.code).toBe("forbidden");
    expect(post("/apps", { origin: "null" })?.code).toBe("forbidden");
    expect(post("/apps", { origin: "not a url" })?.code).toBe("forbidden");
    expect(post("/apps", { origin: "https://portal.example", "x-forwarded-host": "other.example" })?.code).toBe("forbidden");
    expect(post("/apps", { origin: "https://portal.example" })).toBeNull();
    expect(post("/apps", {})).toBeNull();
    // The API answers cross-site requests itself (bearer tokens, no cookies).
    expect(post("/api/v1/applications", { origin: "https://evil.example" })).toBeNull();
  });

  it("refuses a page POST larger than the server-action limit by its Content-Length, and one of unknown size", () => {
    expect(post("/apps", { origin: "https://portal.example", "content-length": String(SERVER_ACTION_BODY_LIMIT_BYTES + 1) })?.code).toBe("payload_too_large");
    expect(post("/apps", { origin: "https://portal.example", "content-length": String(SERVER_ACTION_BODY_LIMIT_BYTES) })).toBeNull();
    expect(refusalOf({ method: "POST", url: "/apps", headers: { host: "portal.example", "transfer-encoding": "chunked" } })?.code).toBe("invalid_input");
  });
});
