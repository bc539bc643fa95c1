import { describe, expect, it } from "vitest";
import { PROVIDER_LIST } from "@/lib/registries/providers";
import { FEDERATION_EXCHANGES, keylessProvider } from "@/lib/registry-auth/federation";

describe("keyless federation registry", () => {
  it("has an exchange for every provider that offers the keyless auth type, and none for the others", () => {
    for (const provider of PROVIDER_LIST) {
      const offersKeyless = provider.authTypes.some((spec) => spec.id === "federated");
      expect(Boolean(provider.federation), `${provider.id}: federation on the module`).toBe(offersKeyless);
      expect(Boolean(FEDERATION_EXCHANGES[provider.id]), `${provider.id}: exchange in FEDERATION_EXCHANGES`).toBe(offersKeyless);
      expect(keylessProvider(provider) !== null).toBe(offersKeyless);
    }
  });

  it("offers the keyless type first and marked recommended, and never the AWS audience outside AWS", () => {
    for (const provider of PROVIDER_LIST.filter((candidate) => candidate.federation)) {
      expect(provider.authTypes[0]).toMatchObject({ id: "federated", label: "Keyless (the portal's identity)", recommended: true });
      expect(provider.federation!.audience({ hostname: provider.hostnamePlaceholder, settings: { tenantId: "t", clientId: "c", username: "acme+portal" } })).not.toBe("sts.amazonaws.com");
    }
  });
});
