import { describe, expect, it } from "vitest";
import { buildSecurityHeaders, buildTransportHeaders, createNonce } from "@/lib/http/security-headers";

describe("security headers", () => {
  it("allow only scripts with this response's nonce, no framing, no sniffing, a same-origin referrer", () => {
    const headers = buildSecurityHeaders("abc123", { https: false, dev: false });
    const csp = headers["content-security-policy"]!;
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["strict-transport-security"]).toBeUndefined();
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("add HSTS and upgrade insecure requests only over https", () => {
    const headers = buildSecurityHeaders("n", { https: true, dev: false });
    expect(headers["strict-transport-security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(headers["content-security-policy"]).toContain("upgrade-insecure-requests");
  });

  it("give the production server's own answers (OIDC documents, /v2/) nosniff, and HSTS over https", () => {
    expect(buildTransportHeaders({ https: false })).toEqual({ "x-content-type-options": "nosniff" });
    expect(buildTransportHeaders({ https: true })).toEqual({ "x-content-type-options": "nosniff", "strict-transport-security": buildSecurityHeaders("n", { https: true, dev: false })["strict-transport-security"] });
  });

  it("make a fresh, unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(18);
  });
});
