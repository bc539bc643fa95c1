import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { isSameOriginRequest } from "@/lib/http/same-origin";

const request = (headers: Record<string, string>) => new Request("http://internal:3000/api/x", { method: "POST", headers });

afterEach(() => {
  delete process.env.TRUST_PROXY;
  resetEnvCache();
});

describe("isSameOriginRequest", () => {
  it("accepts the portal's own origin and refuses another", () => {
    const appHost = new URL(process.env.APP_URL!).host;
    expect(isSameOriginRequest(request({ origin: process.env.APP_URL!, host: appHost }))).toBe(true);
    expect(isSameOriginRequest(request({ origin: "https://evil.example", host: appHost }))).toBe(false);
    expect(isSameOriginRequest(request({ host: appHost }))).toBe(false);
  });

  it("ignores X-Forwarded-Host unless TRUST_PROXY says a proxy sets it", () => {
    const forged = { origin: "https://evil.example", host: "internal:3000", "x-forwarded-host": "evil.example" };
    expect(isSameOriginRequest(request(forged))).toBe(false);
    process.env.TRUST_PROXY = "1";
    resetEnvCache();
    expect(isSameOriginRequest(request(forged))).toBe(true);
  });
});
