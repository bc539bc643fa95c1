import "server-only";
import { keyState, type KeyState } from "@/lib/oidc/key-lifecycle";
import { getOidcProviderInfo, type OidcProviderInfo } from "@/lib/oidc/provider-info";
import { listSigningKeys } from "@/lib/oidc/signing-keys";

export interface SigningKeyRow {
  kid: string;
  state: KeyState;
  algorithm: string;
  createdAt: string;
  signsFrom: string;
  signsUntil: string | null;
  publishedUntil: string | null;
}

/** Everything the admin "Identity provider" page shows; public values only. */
export async function getIdentityProviderOverview(options: { refreshThumbprint?: boolean } = {}): Promise<{ provider: OidcProviderInfo; keys: SigningKeyRow[] }> {
  const now = new Date();
  const [provider, keys] = await Promise.all([getOidcProviderInfo(options), listSigningKeys()]);
  return {
    provider,
    keys: keys
      .filter((key) => keyState(key, now) !== "removed")
      .map((key) => ({
        kid: key.kid,
        state: keyState(key, now),
        algorithm: key.algorithm,
        createdAt: key.createdAt.toISOString(),
        signsFrom: key.signsFrom.toISOString(),
        signsUntil: key.signsUntil?.toISOString() ?? null,
        publishedUntil: key.publishedUntil?.toISOString() ?? null,
      })),
  };
}
