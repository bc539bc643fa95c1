import { describe, expect, it } from "vitest";
import { PROVIDERS } from "@/lib/registries/providers";
import { diagnoseOci } from "@/lib/registry-test/oci-diagnosis";

const context = { provider: PROVIDERS.gitlab, hostname: "registry.gitlab.example.com", image: "acme/app:1.0", repository: "acme/app" };

describe("diagnoseOci", () => {
  it("says a registry is unreachable and where to look", () => {
    const found = diagnoseOci("registry-login", { kind: "network", code: "ECONNREFUSED", message: "the connection was refused" }, context);
    expect(found).toMatchObject({ summary: "Could not reach the registry registry.gitlab.example.com: the connection was refused.", setupStep: "network" });
  });

  it("says a TLS certificate was not trusted, and that the registry must fix it", () => {
    const found = diagnoseOci("registry-login", { kind: "network", code: "SELF_SIGNED_CERT_IN_CHAIN", message: "the TLS certificate was not accepted (SELF_SIGNED_CERT_IN_CHAIN)" }, context);
    expect(found.summary).toMatch(/TLS certificate the portal does not trust/);
    expect(found.fix).toMatch(/public certificate authority/);
  });

  it("says a private destination was refused and who can allow it", () => {
    const found = diagnoseOci("registry-token", { kind: "network", code: "UNSAFE_DESTINATION", message: "10.0.0.5 resolves to a private or reserved address" }, context);
    expect(found.fix).toMatch(/AUTH_ENDPOINT_OVERRIDES/);
  });

  it("uses the provider's words for a refused token and for a missing pull permission, with the registry's answer unchanged", () => {
    const refused = diagnoseOci("registry-login", { kind: "registry", httpStatus: 401, stage: "token", code: "UNAUTHORIZED", message: "HTTP Basic: Access denied" }, context);
    expect(refused).toMatchObject({ ...PROVIDERS.gitlab.terms.wrongCredentials, awsCode: "UNAUTHORIZED", awsMessage: "HTTP Basic: Access denied", setupStep: "credential" });
    const scope = diagnoseOci("registry-token", { kind: "registry", httpStatus: 403, stage: "token", message: "access forbidden" }, context);
    expect(scope.summary).toBe(PROVIDERS.gitlab.terms.noPullPermission("acme/app").summary);
    const manifest = diagnoseOci("manifest", { kind: "registry", httpStatus: 401, stage: "ping", code: "UNAUTHORIZED", challengeError: "insufficient_scope" }, context);
    expect(manifest.summary).toBe(PROVIDERS.gitlab.terms.noPullPermission("acme/app").summary);
  });

  it("says a rate limit is one, and a 5xx is the registry's failure", () => {
    expect(diagnoseOci("manifest", { kind: "registry", httpStatus: 429, code: "TOOMANYREQUESTS" }, context).summary).toMatch(/rate-limiting/);
    expect(diagnoseOci("registry-login", { kind: "registry", httpStatus: 503, stage: "ping" }, context).summary).toMatch(/is failing \(503\)/);
  });

  it("explains Entra ID's AADSTS codes and an exchange refusal in Azure's terms", () => {
    const azure = { ...context, provider: PROVIDERS.azure, hostname: "acme.azurecr.io" };
    const expired = diagnoseOci("credential-exchange", { kind: "registry", httpStatus: 401, stage: "entra", code: "invalid_client", message: "AADSTS7000222: The provided client secret keys for app '…' are expired." }, azure);
    expect(expired.summary).toMatch(/expired \(AADSTS7000222\)/);
    const tenant = diagnoseOci("credential-exchange", { kind: "registry", httpStatus: 400, stage: "entra", code: "invalid_request", message: "AADSTS90002: Tenant 'x' not found." }, azure);
    expect(tenant.fix).toMatch(/Directory \(tenant\) ID/);
    const exchange = diagnoseOci("credential-exchange", { kind: "registry", httpStatus: 401, stage: "exchange", code: "UNAUTHORIZED" }, azure);
    expect(exchange.fix).toMatch(/AcrPull/);
  });
});
