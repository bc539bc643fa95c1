// Verification of a web identity token as STS does it for
// AssumeRoleWithWebIdentity: the provider for `iss` in the role's account, the
// issuer's discovery document and JWKS (fetched with a deadline and cached),
// the key named by `kid`, an allow-listed algorithm, the time claims, the
// audience against the provider's client IDs, and the pinned thumbprint.
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JSONWebKeySet, type JWK, type JWTPayload } from "jose";
import { AwsError } from "./aws-error";
import { fetchJsonDocument } from "./identity-provider-fetch";
import type { AccountState, OidcProvider } from "./state";

export const ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

export const KEY_RETRIEVAL_FAILED = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export interface VerifiedWebIdentity {
  provider: OidcProvider;
  subject: string;
  audience: string;
  claims: JWTPayload;
}

interface CachedKeys {
  fetchedAt: number;
  keys: JWK[];
  thumbprint?: string;
}

/** What verification decided for one token, as CloudTrail would show it (the key's kid, never the token). */
export interface WebIdentityCheck {
  at: number;
  kid: string | null;
  /** The token's iat claim (seconds): when it was minted, as its issuer says. */
  issuedAt: number | null;
  subject: string | null;
  accepted: boolean;
  error: string | null;
}

const MAX_CHECKS_KEPT = 10_000;

export interface WebIdentityVerifier {
  verify(token: string, account: AccountState | undefined): Promise<VerifiedWebIdentity>;
  clearCache(): void;
  /** The most recent verifications, oldest first (for tests that count which keys were accepted). */
  readonly checks: readonly WebIdentityCheck[];
}

export function createWebIdentityVerifier(options: { cacheSeconds: number; timeoutMs: number; now: () => number }): WebIdentityVerifier {
  const cache = new Map<string, CachedKeys>();

  async function keysOf(issuer: string): Promise<CachedKeys> {
    const cached = cache.get(issuer);
    if (cached && options.now() - cached.fetchedAt < options.cacheSeconds * 1000) return cached;
    try {
      const discovery = await fetchJsonDocument(`${issuer}/.well-known/openid-configuration`, options.timeoutMs);
      const jwksUri = (discovery.body as { jwks_uri?: unknown }).jwks_uri;
      if (typeof jwksUri !== "string") throw new Error("the discovery document has no jwks_uri");
      const jwks = await fetchJsonDocument(jwksUri, options.timeoutMs);
      const keys = (jwks.body as JSONWebKeySet).keys;
      if (!Array.isArray(keys)) throw new Error("the JWKS has no keys");
      const entry = { fetchedAt: options.now(), keys, thumbprint: jwks.thumbprint };
      cache.set(issuer, entry);
      return entry;
    } catch {
      throw invalid(KEY_RETRIEVAL_FAILED);
    }
  }

  const checks: WebIdentityCheck[] = [];
  const record = (token: string, outcome: { subject: string | null; error: string | null }) => {
    let kid: string | null = null;
    let issuedAt: number | null = null;
    try {
      kid = decodeProtectedHeader(token).kid ?? null;
      const iat = decodeJwt(token).iat;
      issuedAt = typeof iat === "number" ? iat : null;
    } catch {
      // not a JWT: nothing more to record
    }
    checks.push({ at: options.now(), kid, issuedAt, subject: outcome.subject, accepted: outcome.error === null, error: outcome.error });
    if (checks.length > MAX_CHECKS_KEPT) checks.splice(0, checks.length - MAX_CHECKS_KEPT);
  };

  return {
    clearCache: () => cache.clear(),
    checks,
    async verify(token, account) {
      try {
        const verified = await verifyToken(token, account);
        record(token, { subject: verified.subject, error: null });
        return verified;
      } catch (error) {
        record(token, { subject: null, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },
  };

  async function verifyToken(token: string, account: AccountState | undefined): Promise<VerifiedWebIdentity> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw invalid("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
    }
    if (typeof claims.iss !== "string") throw invalid("Missing a required claim: iss");
    const issuer = claims.iss;
    const providerPath = issuer.replace(/^https?:\/\//, "").replace(/\/+$/, "");
    const provider = Object.values(account?.providers ?? {}).find((candidate) => candidate.url.replace(/^https?:\/\//, "") === providerPath);
    if (!provider) throw invalid(`No OpenIDConnect provider found in your account for ${issuer}`);

    const keys = await keysOf(issuer);
    if (issuer.startsWith("https://") && provider.thumbprints.length > 0 && !provider.thumbprints.includes(keys.thumbprint ?? "")) {
      throw invalid("OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint");
    }
    if (!header.alg || !ALLOWED_ALGORITHMS.includes(header.alg)) throw invalid(`Unsupported signing algorithm: ${header.alg ?? "none"}`);
    const jwk = header.kid === undefined && keys.keys.length === 1 ? keys.keys[0] : keys.keys.find((key) => key.kid === header.kid);
    if (!jwk) throw invalid(KEY_RETRIEVAL_FAILED);
    try {
      await compactVerify(token, await importJWK({ ...jwk, alg: header.alg }, header.alg), { algorithms: [header.alg] });
    } catch {
      throw invalid("Signature validation failed for the token");
    }

    const now = Math.floor(options.now() / 1000);
    if (typeof claims.exp !== "number") throw invalid("Missing a required claim: exp");
    if (now >= claims.exp) throw new AwsError("ExpiredTokenException", `Token expired: current date/time ${now} must be before the expiration date/time ${claims.exp}`, 400);
    if (typeof claims.nbf === "number" && now < claims.nbf) throw invalid(`Token not yet valid: current date/time ${now} must be after the not-before date/time ${claims.nbf}`);
    if (typeof claims.iat === "number" && now < claims.iat) throw invalid(`Token issued in the future: current date/time ${now} must be after the issued-at date/time ${claims.iat}`);
    if (typeof claims.sub !== "string") throw invalid("Missing a required claim: sub");
    const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    const audience = audiences.find((candidate) => provider.clientIds.includes(candidate));
    if (audience === undefined) throw invalid("Incorrect token audience");
    return { provider, subject: claims.sub, audience, claims };
  }
}

function invalid(message: string): AwsError {
  return new AwsError("InvalidIdentityToken", message, 400);
}
