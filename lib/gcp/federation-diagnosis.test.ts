import { describe, expect, it } from "vitest";
import { diagnoseGoogleRefusal, unsafeFederationAdvice } from "@/lib/gcp/federation-diagnosis";

const SETTINGS = { projectNumber: "123456789012", poolId: "vendor-portal", providerId: "vendor-portal-oidc" };
const CONTEXT = { settings: SETTINGS, subject: "team_abc", hostname: "europe-west1-docker.pkg.dev" };

describe("Google's refusals in Google's terms", () => {
  it("reads the portal's issuer from Google's issuer mismatch and gives the update command", () => {
    const advice = diagnoseGoogleRefusal({ where: "sts", status: 400, code: "invalid_grant", message: "The issuer in ID Token https://portal.example.com/oidc does not match the expected ones." }, CONTEXT);
    expect(advice.summary).toBe("The provider trusts another issuer than the portal's (https://portal.example.com/oidc).");
    expect(advice.snippet).toContain('--issuer-uri="https://portal.example.com/oidc"');
    expect(advice.snippet).toContain("--project=123456789012 --location=global --workload-identity-pool=vendor-portal");
  });

  it("points an unverifiable signature to an out-of-date uploaded JWKS, and a time refusal to the clock", () => {
    expect(diagnoseGoogleRefusal({ where: "sts", status: 400, code: "invalid_grant", message: "Invalid ID Token: the signature could not be verified" }, CONTEXT).fix).toContain("--jwk-json-path");
    expect(diagnoseGoogleRefusal({ where: "sts", status: 400, code: "invalid_grant", message: "ID Token issued at 1700000000 is stale to sign-in." }, CONTEXT).fix).toContain("clock");
  });

  it("says a malformed provider name is the registry's settings", () => {
    const advice = diagnoseGoogleRefusal({ where: "sts", status: 400, code: "invalid_request", message: 'Invalid value for "audience". This value should be the full resource name of the Identity Provider.' }, CONTEXT);
    expect(advice.summary).toBe("Google did not accept the workload identity provider's name.");
  });

  it("grants the reader role to the service account when one is impersonated", () => {
    const advice = diagnoseGoogleRefusal({ where: "registry", status: 403, code: "DENIED", repository: "acme-prod/images/app" }, { ...CONTEXT, settings: { ...SETTINGS, serviceAccount: "portal-pull@acme-prod.iam.gserviceaccount.com" } });
    expect(advice.summary).toBe("serviceAccount:portal-pull@acme-prod.iam.gserviceaccount.com may not pull acme-prod/images/app: it has no roles/artifactregistry.reader on the repository.");
    expect(advice.snippet).toContain("add-iam-policy-binding images --project=123456789012 --location=europe-west1");
  });

  it("fixes an unsafe federation with the team's attribute condition", () => {
    const advice = unsafeFederationAdvice(SETTINGS, "team_abc", "team_stranger");
    expect(advice.summary).toContain("team_stranger");
    expect(advice.snippet).toContain(`--attribute-condition="assertion.sub=='team_abc'"`);
  });
});
