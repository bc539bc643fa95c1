// Google Cloud's Workload Identity Federation, as the Artifact Registry
// stand-in plays it: workload identity pools and OIDC providers, Security
// Token Service's token exchange (`POST /v1/token` on sts.googleapis.com),
// IAM Credentials' `generateAccessToken` (iamcredentials.googleapis.com) and
// the IAM bindings Artifact Registry and service accounts check. The admin
// methods take what `gcloud iam workload-identity-pools …`,
// `gcloud artifacts repositories add-iam-policy-binding` and
// `gcloud iam service-accounts add-iam-policy-binding` take, so a test can
// apply the commands a page shows.
//
// STS verifies what Google verifies: the `audience` parameter names an
// existing, enabled pool and provider of the project; the token's signature
// against the issuer's live discovery document and JWKS (fetched over HTTP at
// each exchange, or the provider's uploaded JWKS), `iss` equal to the
// provider's issuer URI, `aud` equal to the provider's canonical name (with or
// without `https:`) when no allowed audiences are configured, or one of them;
// `exp` and `iat`; the attribute mapping `google.subject=assertion.sub` and
// the attribute condition. Error bodies are Google's OAuth shape
// `{ error, error_description }`.
import { randomBytes } from "node:crypto";
import type http from "node:http";
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK, type JWTPayload } from "jose";
import type { AccessRule } from "../reference-registry/access";
import { readBody } from "../reference-registry/token-issuer";
import { sendJson } from "./stand-in";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

export const STS_ERRORS = {
  badAudienceParameter:
    'Invalid value for "audience". This value should be the full resource name of the Identity Provider. See https://cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token for the list of possible formats.',
  poolOrProviderGone: 'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
  conditionRejected: "The given credential is rejected by the attribute condition.",
  issuerUnreachable: "Error connecting to the given credential's issuer.",
  audienceMismatch: (aud: string) => `The audience in ID Token [${aud}] does not match the expected audience.`,
  issuerMismatch: (iss: string) => `The issuer in ID Token ${iss} does not match the expected ones.`,
  badSignature: "Invalid ID Token: the signature could not be verified with the issuer's public keys.",
  expired: (exp: number) => `ID Token expired at ${exp}.`,
  issuedInFuture: (iat: number) => `ID Token issued at ${iat} is in the future.`,
  notJwt: "Invalid ID Token: it is not a JWT.",
} as const;

export const GET_ACCESS_TOKEN_DENIED = "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).";

export interface WorkloadIdentityProvider {
  issuerUri: string;
  allowedAudiences: string[];
  /** Only google.subject=assertion.sub is supported (what the portal's guide creates). */
  attributeMapping: Record<string, string>;
  /** `assertion.sub=='<subject>'`, or none. */
  attributeCondition: string | null;
  /** The uploaded JWKS (`--jwk-json-path`): keys are not fetched from the issuer. */
  jwks: { keys: JWK[] } | null;
  disabled: boolean;
}

export interface WorkloadIdentityPool {
  disabled: boolean;
  providers: Map<string, WorkloadIdentityProvider>;
}

export interface IamBinding {
  role: string;
  member: string;
}

/** Who an access token is: a federated principal (pool and subject) or a service account. */
export type GooglePrincipal = { kind: "federated"; poolId: string; subject: string } | { kind: "service-account"; email: string };

interface IssuedToken {
  principal: GooglePrincipal;
  expiresAt: number;
}

const ROLE_READER = "roles/artifactregistry.reader";
const ROLE_WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser";
const ID_PATTERN = /^[a-z0-9-]{4,32}$/;
const CONDITION = /^\s*assertion\.sub\s*==\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*$/;

/** One Google Cloud project's federation and IAM state. */
export class GoogleFederation {
  readonly pools = new Map<string, WorkloadIdentityPool>();
  /** `<repository>` (Artifact Registry repository ID) → bindings on it. */
  readonly repositoryBindings = new Map<string, IamBinding[]>();
  /** Service account email → bindings on it (the account as a resource). */
  readonly serviceAccountBindings = new Map<string, IamBinding[]>();
  readonly serviceAccounts = new Set<string>();
  private readonly tokens = new Map<string, IssuedToken>();
  /** Every STS exchange, for tests: the subject presented and the answer's error, if any. */
  readonly exchanges: { subject: string | null; error: string | null }[] = [];

  constructor(
    readonly projectId: string,
    readonly projectNumber: string,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- admin (what gcloud would do) ----

  createPool(poolId: string): void {
    if (!ID_PATTERN.test(poolId) || poolId.startsWith("gcp-")) throw new Error(`invalid pool ID ${poolId}`);
    if (this.pools.has(poolId)) throw new Error(`ALREADY_EXISTS: pool ${poolId}`);
    this.pools.set(poolId, { disabled: false, providers: new Map() });
  }

  createOidcProvider(poolId: string, providerId: string, input: { issuerUri: string; attributeMapping: Record<string, string>; attributeCondition?: string | null; allowedAudiences?: string[]; jwks?: { keys: JWK[] } | null }): void {
    const pool = this.pools.get(poolId);
    if (!pool) throw new Error(`NOT_FOUND: pool ${poolId}`);
    if (!ID_PATTERN.test(providerId) || providerId.startsWith("gcp-")) throw new Error(`invalid provider ID ${providerId}`);
    if (pool.providers.has(providerId)) throw new Error(`ALREADY_EXISTS: provider ${providerId}`);
    if (!/^https?:\/\//.test(input.issuerUri)) throw new Error("INVALID_ARGUMENT: the issuer URI must start with https://");
    if (input.attributeMapping["google.subject"] !== "assertion.sub") throw new Error("this stand-in supports the attribute mapping google.subject=assertion.sub only");
    const condition = input.attributeCondition ?? null;
    if (condition !== null && !CONDITION.test(condition)) throw new Error(`this stand-in supports the attribute condition assertion.sub=='<subject>' only, not ${condition}`);
    pool.providers.set(providerId, {
      issuerUri: input.issuerUri,
      allowedAudiences: input.allowedAudiences ?? [],
      attributeMapping: input.attributeMapping,
      attributeCondition: condition,
      jwks: input.jwks ?? null,
      disabled: false,
    });
  }

  updateOidcProvider(poolId: string, providerId: string, input: Partial<{ issuerUri: string; attributeMapping: Record<string, string>; attributeCondition: string | null; allowedAudiences: string[]; jwks: { keys: JWK[] } }>): void {
    const provider = this.provider(poolId, providerId);
    if (input.attributeMapping && input.attributeMapping["google.subject"] !== "assertion.sub") throw new Error("this stand-in supports the attribute mapping google.subject=assertion.sub only");
    // gcloud's --attribute-condition="" clears the condition.
    const condition = input.attributeCondition === "" ? null : input.attributeCondition;
    if (condition && !CONDITION.test(condition)) throw new Error(`this stand-in supports the attribute condition assertion.sub=='<subject>' only, not ${condition}`);
    Object.assign(provider, {
      ...(input.issuerUri ? { issuerUri: input.issuerUri } : {}),
      ...(input.attributeMapping ? { attributeMapping: input.attributeMapping } : {}),
      ...(condition !== undefined ? { attributeCondition: condition } : {}),
      ...(input.allowedAudiences ? { allowedAudiences: input.allowedAudiences } : {}),
      ...(input.jwks ? { jwks: input.jwks } : {}),
    });
  }

  provider(poolId: string, providerId: string): WorkloadIdentityProvider {
    const provider = this.pools.get(poolId)?.providers.get(providerId);
    if (!provider) throw new Error(`NOT_FOUND: provider ${poolId}/${providerId}`);
    return provider;
  }

  createServiceAccount(name: string): string {
    const email = `${name}@${this.projectId}.iam.gserviceaccount.com`;
    this.serviceAccounts.add(email);
    return email;
  }

  addRepositoryBinding(repository: string, binding: IamBinding): void {
    this.checkMember(binding.member);
    this.repositoryBindings.set(repository, [...(this.repositoryBindings.get(repository) ?? []), binding]);
  }

  addServiceAccountBinding(email: string, binding: IamBinding): void {
    if (!this.serviceAccounts.has(email)) throw new Error(`NOT_FOUND: service account ${email}`);
    this.checkMember(binding.member);
    this.serviceAccountBindings.set(email, [...(this.serviceAccountBindings.get(email) ?? []), binding]);
  }

  /** setIamPolicy on a repository: the policy's bindings replace the old ones. */
  setRepositoryBindings(repository: string, bindings: IamBinding[]): void {
    for (const binding of bindings) this.checkMember(binding.member);
    this.repositoryBindings.set(repository, bindings);
  }

  /** setIamPolicy on a service account (as a resource). */
  setServiceAccountBindings(email: string, bindings: IamBinding[]): void {
    if (!this.serviceAccounts.has(email)) throw new Error(`NOT_FOUND: service account ${email}`);
    for (const binding of bindings) this.checkMember(binding.member);
    this.serviceAccountBindings.set(email, bindings);
  }

  removeBindings(): void {
    this.repositoryBindings.clear();
    this.serviceAccountBindings.clear();
  }

  private checkMember(member: string): void {
    if (/^serviceAccount:[^@\s]+@[^@\s]+$/.test(member)) return;
    if (/^principal:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]+\/subject\/.+$/.test(member)) return;
    if (/^principalSet:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]+\/\*$/.test(member)) return;
    throw new Error(`INVALID_ARGUMENT: member ${member} is not a serviceAccount:, principal:// or principalSet:// member`);
  }

  // ---- what Artifact Registry asks ----

  /** The principal of an access token the stand-in issued and that has not expired. */
  principalOf(accessToken: string): GooglePrincipal | null {
    const issued = this.tokens.get(accessToken);
    if (!issued || issued.expiresAt <= this.now()) return null;
    return issued.principal;
  }

  /** The repositories (as access rules on `<project>/<repository>/*`) the principal has Artifact Registry Reader on. */
  readerAccess(principal: GooglePrincipal): AccessRule[] {
    const rules: AccessRule[] = [];
    for (const [repository, bindings] of this.repositoryBindings) {
      if (bindings.some((binding) => binding.role === ROLE_READER && this.memberMatches(binding.member, principal))) rules.push({ repository: `${this.projectId}/${repository}/*`, actions: ["pull"] });
    }
    return rules;
  }

  private memberMatches(member: string, principal: GooglePrincipal): boolean {
    if (principal.kind === "service-account") return member === `serviceAccount:${principal.email}`;
    const pool = `//iam.googleapis.com/projects/${this.projectNumber}/locations/global/workloadIdentityPools/${principal.poolId}`;
    return member === `principal:${pool}/subject/${principal.subject}` || member === `principalSet:${pool}/*`;
  }

  // ---- the HTTP endpoints ----

  /** STS `POST /v1/token`. */
  async handleStsToken(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (request.method !== "POST") return sendJson(response, 405, { error: "invalid_request", error_description: "Use POST." });
    const fields = parseFields(await readBody(request), request.headers["content-type"]);
    const outcome = await this.exchange(fields);
    if ("error" in outcome) {
      this.exchanges.push({ subject: outcome.subject ?? null, error: outcome.description });
      return sendJson(response, outcome.status, { error: outcome.error, error_description: outcome.description });
    }
    this.exchanges.push({ subject: outcome.subject, error: null });
    sendJson(response, 200, { access_token: outcome.token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: "Bearer", expires_in: 3599 });
  }

  private async exchange(fields: Record<string, string>): Promise<{ token: string; subject: string } | { status: number; error: string; description: string; subject?: string }> {
    const invalid = (description: string) => ({ status: 400, error: "invalid_request", description });
    if (fields.grant_type !== TOKEN_EXCHANGE_GRANT) return { status: 400, error: "unsupported_grant_type", description: `Invalid value for "grant_type". Expected ${TOKEN_EXCHANGE_GRANT}.` };
    if (fields.subject_token_type !== JWT_TOKEN_TYPE && fields.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token") return invalid('Invalid value for "subject_token_type".');
    if (fields.requested_token_type !== ACCESS_TOKEN_TYPE) return invalid('Invalid value for "requested_token_type".');
    if (fields.scope !== undefined && !fields.scope.split(" ").every((scope) => scope.startsWith("https://www.googleapis.com/auth/"))) return { status: 400, error: "invalid_scope", description: `Invalid value for "scope".` };
    if (!fields.subject_token) return invalid('Missing required parameter: "subject_token".');

    const match = /^\/\/iam\.googleapis\.com\/projects\/([^/]+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers\/([^/]+)$/.exec(fields.audience ?? "");
    if (!match) return invalid(STS_ERRORS.badAudienceParameter);
    const [, projectNumber, poolId, providerId] = match as unknown as [string, string, string, string];
    const pool = projectNumber === this.projectNumber ? this.pools.get(poolId) : undefined;
    const provider = pool?.providers.get(providerId);
    if (!pool || !provider || pool.disabled || provider.disabled) return { status: 400, error: "invalid_target", description: STS_ERRORS.poolOrProviderGone };

    const token = fields.subject_token;
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      return { status: 400, error: "invalid_grant", description: STS_ERRORS.notJwt };
    }
    const subject = typeof claims.sub === "string" ? claims.sub : undefined;
    const grant = (description: string) => ({ status: 400, error: "invalid_grant", description, ...(subject ? { subject } : {}) });
    if (claims.iss !== provider.issuerUri) return grant(STS_ERRORS.issuerMismatch(String(claims.iss)));

    let keys: JWK[];
    try {
      keys = provider.jwks ? provider.jwks.keys : await fetchIssuerKeys(provider.issuerUri);
    } catch {
      return grant(STS_ERRORS.issuerUnreachable);
    }
    const jwk = keys.find((key) => key.kid === header.kid);
    if (!jwk || !header.alg || !["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"].includes(header.alg)) return grant(STS_ERRORS.badSignature);
    try {
      await compactVerify(token, await importJWK({ ...jwk, alg: header.alg }, header.alg), { algorithms: [header.alg] });
    } catch {
      return grant(STS_ERRORS.badSignature);
    }

    const nowSeconds = Math.floor(this.now() / 1000);
    if (typeof claims.exp !== "number" || claims.exp <= nowSeconds) return grant(STS_ERRORS.expired(Number(claims.exp)));
    if (typeof claims.iat === "number" && claims.iat > nowSeconds + 60) return grant(STS_ERRORS.issuedInFuture(claims.iat));

    const canonical = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}/providers/${providerId}`;
    const accepted = provider.allowedAudiences.length > 0 ? provider.allowedAudiences : [canonical, `https:${canonical}`];
    const audiences = typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    if (!audiences.some((aud) => accepted.includes(aud))) return grant(STS_ERRORS.audienceMismatch(audiences.join(", ")));

    if (!subject) return grant("The mapped attribute google.subject is empty: the ID Token has no sub claim.");
    if (Buffer.byteLength(subject) > 127) return grant("The mapped attribute google.subject exceeds the 127 byte limit.");
    if (provider.attributeCondition !== null) {
      const condition = CONDITION.exec(provider.attributeCondition)!;
      const expected = condition[1] ?? condition[2];
      if (subject !== expected) return { status: 400, error: "unauthorized_client", description: STS_ERRORS.conditionRejected, subject };
    }
    return { token: this.issue({ kind: "federated", poolId, subject }), subject };
  }

  /** IAM Credentials `POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken`. */
  async handleGenerateAccessToken(request: http.IncomingMessage, response: http.ServerResponse, path: string): Promise<void> {
    const email = decodeURIComponent(/^\/v1\/projects\/[^/]+\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(path)?.[1] ?? "");
    const caller = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
    const principal = caller ? this.principalOf(caller) : null;
    if (!principal) {
      return sendJson(response, 401, {
        error: { code: 401, message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", status: "UNAUTHENTICATED" },
      });
    }
    let body: { scope?: unknown; lifetime?: unknown };
    try {
      body = JSON.parse(await readBody(request)) as typeof body;
    } catch {
      return sendJson(response, 400, { error: { code: 400, message: "Invalid JSON payload received.", status: "INVALID_ARGUMENT" } });
    }
    if (!Array.isArray(body.scope) || body.scope.length === 0) return sendJson(response, 400, { error: { code: 400, message: "Scope required.", status: "INVALID_ARGUMENT" } });
    const allowed = this.serviceAccounts.has(email) && (this.serviceAccountBindings.get(email) ?? []).some((binding) => binding.role === ROLE_WORKLOAD_IDENTITY_USER && this.memberMatches(binding.member, principal));
    if (!allowed) {
      return sendJson(response, 403, {
        error: {
          code: 403,
          message: GET_ACCESS_TOKEN_DENIED,
          status: "PERMISSION_DENIED",
          details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "IAM_PERMISSION_DENIED", domain: "iam.googleapis.com", metadata: { permission: "iam.serviceAccounts.getAccessToken" } }],
        },
      });
    }
    const token = this.issue({ kind: "service-account", email });
    sendJson(response, 200, { accessToken: token, expireTime: new Date(this.tokens.get(token)!.expiresAt).toISOString() });
  }

  private issue(principal: GooglePrincipal): string {
    const token = `ya29.stand-in.${randomBytes(24).toString("base64url")}`;
    this.tokens.set(token, { principal, expiresAt: this.now() + 3600_000 });
    return token;
  }
}

function parseFields(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes("application/json")) {
    try {
      const value = JSON.parse(body) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** The issuer's discovery document, then its JWKS, fetched live (Google caches; the stand-in does not, so a test sees each change). */
async function fetchIssuerKeys(issuer: string): Promise<JWK[]> {
  const discovery = (await (await fetchOk(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`)).json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (discovery.issuer !== issuer || typeof discovery.jwks_uri !== "string") throw new Error("discovery document does not match the issuer");
  const jwks = (await (await fetchOk(discovery.jwks_uri)).json()) as { keys?: unknown };
  if (!Array.isArray(jwks.keys)) throw new Error("JWKS without keys");
  return jwks.keys as JWK[];
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: "error" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}
