import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { getIssuer } from "@/lib/oidc/issuer";

const configured = process.env.OIDC_ISSUER_URL;

afterEach(() => {
  if (configured === undefined) delete process.env.OIDC_ISSUER_URL;
  else process.env.OIDC_ISSUER_URL = configured;
  resetEnvCache();
});

describe("the configured issuer", () => {
  it("is described once per value, and follows a change of OIDC_ISSUER_URL", () => {
    process.env.OIDC_ISSUER_URL = "https://portal.example.com/oidc";
    resetEnvCache();
    const first = getIssuer();
    expect(first).toMatchObject({ url: "https://portal.example.com/oidc", pathname: "/oidc", warnings: [] });
    expect(getIssuer()).toBe(first);

    process.env.OIDC_ISSUER_URL = "http://localhost:3000/issuer";
    resetEnvCache();
    const changed = getIssuer();
    expect(changed).toMatchObject({ url: "http://localhost:3000/issuer", pathname: "/issuer", jwksUri: "http://localhost:3000/issuer/jwks" });
    expect(changed.warnings.length).toBeGreaterThan(0);
  });
});
