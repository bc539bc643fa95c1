import "server-only";
// The Test of a registry that speaks the OCI token flow (every provider but
// ECR), step by step like the ECR Test: the credential exchange where there
// is one (Azure service principal; keyless: the portal's token signed for the
// cloud, the exchange, and the negative check that a stranger subject is
// refused), the /v2/ login, a token with the repository's pull scope, and the
// manifest HEAD when an image is given.
// Every request goes through lib/registry-auth (public https:// destinations
// only, unless the operator overrides them).
import { UserFacingError } from "@/lib/http/result";
import type { RegistryCredentials } from "@/lib/registries/credentials";
import type { FederationSettings, RegistryProviderModule } from "@/lib/registries/providers/types";
import { authorize, logIn, pullScope, RegistryAuthError, RegistryProtocolError, type RegistryAuthTarget, type RegistryAuthorization, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import { keylessProvider, mintFederationToken, runNegativeCheck, type KeylessProvider } from "@/lib/registry-auth/federation";
import { directLoginCredential, obtainLoginCredential } from "@/lib/registry-auth/credentials";
import type { AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { authHttpRequest, errorOfBody, UnsafeUrlError } from "@/lib/registry-auth/http";
import { registryBaseUrl } from "@/lib/registry-test/endpoints";
import { toCallFailure, type CallFailure } from "@/lib/registry-test/failure";
import { CALL_TIMEOUT_MS, TEST_TIMEOUT_MS, withCallLimits } from "@/lib/registry-test/limits";
import { diagnoseOci, type OciDiagnosisContext } from "@/lib/registry-test/oci-diagnosis";
import { MANIFEST_MEDIA_TYPES } from "@/lib/registry-test/registry-http";
import type { RegistryTestRun } from "@/lib/registry-test/run-test";
import type { ImageReference } from "@/lib/registry-test/schema";
import { apiCallOf, STEP_TITLES, type Diagnosis, type RegistryTestResult, type StepId, type StepResult } from "@/lib/registry-test/steps";

export interface OciTestTarget {
  provider: RegistryProviderModule;
  /** The registry's validated hostname, as stored. */
  hostname: string;
  credentials: RegistryCredentials;
  /** The team whose token a keyless exchange presents (required for the "federated" auth type). */
  teamId?: string;
}

export interface RunOciTestOptions {
  endpoints: AuthEndpoints;
  image?: ImageReference;
  onStep?: (step: StepResult) => void;
  callTimeoutMs?: number;
  testTimeoutMs?: number;
}

/** The cloud accepted a token for a stranger subject: carries its own diagnosis. */
class UnsafeFederationError extends Error {
  constructor(readonly diagnosis: Diagnosis) {
    super(diagnosis.summary);
  }
}

/** The token granted no pull on the repository (read from the token's access claim). */
class NoPullScopeError extends Error {
  constructor(readonly granted: string[]) {
    super("the token does not grant pull");
  }
}

export async function runOciRegistryTest(target: OciTestTarget, options: RunOciTestOptions): Promise<RegistryTestRun> {
  const startedAt = new Date();
  const start = performance.now();
  const deadline = AbortSignal.timeout(options.testTimeoutMs ?? TEST_TIMEOUT_MS);
  const limits = { callTimeoutMs: options.callTimeoutMs ?? CALL_TIMEOUT_MS, deadline };
  const { provider, hostname, credentials } = target;
  const image = options.image;
  const imageText = image ? `${image.repository}:${image.reference}`.replace(":sha256:", "@sha256:") : undefined;
  const context: OciDiagnosisContext = { provider, hostname, ...(image ? { image: imageText!, repository: image.repository } : {}) };
  const baseUrl = registryBaseUrl(provider.apiHostname(hostname), options.endpoints.registryOverrides);
  const needsExchange = directLoginCredential(credentials) === null;
  const keyless = credentials.authType === "federated" ? keylessProvider(provider) : null;
  if (credentials.authType === "federated" && !keyless) throw new UserFacingError("invalid_registry", `${provider.label} does not offer keyless authentication. Edit the registry and choose another auth type.`);

  const ids: StepId[] = keyless
    ? ["sign-token", "credential-exchange", "negative-check", "registry-login", "registry-token", "manifest"]
    : [...(needsExchange ? (["credential-exchange"] as const) : []), "registry-login", "registry-token", "manifest"];
  const steps = new Map<StepId, StepResult>(ids.map((id) => [id, { id, title: titleOf(id, image, provider, keyless !== null), ...(keyless && (id === "credential-exchange" || id === "negative-check") ? {} : apiCallOf(id)), status: "pending" }]));
  const update = (id: StepId, patch: Partial<StepResult>) => {
    const next = { ...steps.get(id)!, ...patch };
    steps.set(id, next);
    options.onStep?.(next);
  };
  const skip = (ids: StepId[], detail: string) => ids.forEach((id) => update(id, { status: "skipped", detail }));
  for (const pending of steps.values()) options.onStep?.(pending);
  let externalMs = 0;

  async function step<T>(id: StepId, call: (signal: AbortSignal) => Promise<{ value: T; detail: string; requestId?: string | undefined }>): Promise<T | null> {
    update(id, { status: "running" });
    const began = performance.now();
    try {
      const outcome = await withCallLimits(limits, call);
      update(id, { status: "passed", durationMs: Math.round(performance.now() - began), detail: outcome.detail, ...(outcome.requestId ? { requestId: outcome.requestId } : {}) });
      return outcome.value;
    } catch (error) {
      if (error instanceof ManifestNotFoundError) context.knownTags = error.tags;
      if (error instanceof UnsafeFederationError) {
        update(id, { status: "failed", durationMs: Math.round(performance.now() - began), diagnosis: error.diagnosis });
        return null;
      }
      const requestId = error instanceof RegistryAuthError ? error.requestId : undefined;
      update(id, { status: "failed", durationMs: Math.round(performance.now() - began), diagnosis: diagnoseOci(id, toOciFailure(error), context), ...(requestId ? { requestId } : {}) });
      return null;
    } finally {
      externalMs += performance.now() - began;
    }
  }

  let sentClaims: RegistryTestResult["sentClaims"];
  let unsafe = false;

  /** Keyless: sign for the cloud's audience, exchange, then prove a stranger subject is refused. */
  async function federatedCredential(keyless: KeylessProvider, settings: FederationSettings): Promise<RegistryLoginCredential | null> {
    const exchangeTarget = { hostname, baseUrl, settings, endpoints: options.endpoints };
    const minted = await step("sign-token", async () => {
      if (!target.teamId) throw new Error("a keyless test needs the team");
      const token = await mintFederationToken(keyless, target.teamId, exchangeTarget, "registry-test");
      return { value: token, detail: `Subject ${token.claims.sub}, audience ${token.claims.aud}, valid for 5 minutes, key ${token.kid}` };
    });
    if (!minted) {
      skip(["credential-exchange", "negative-check", "registry-login", "registry-token", "manifest"], "Skipped: no token.");
      return null;
    }
    sentClaims = { iss: minted.claims.iss, aud: minted.claims.aud, sub: minted.claims.sub };
    context.federation = { subject: minted.claims.sub, settings };
    const exchanged = await step("credential-exchange", async (signal) => {
      const result = await keyless.exchange.exchange({ ...exchangeTarget, signal, token: minted.token });
      return { value: result.credential, detail: result.detail, requestId: result.requestId };
    });
    if (!exchanged) {
      skip(["negative-check", "registry-login", "registry-token", "manifest"], "Skipped: the exchange failed.");
      return null;
    }
    const refused = await step("negative-check", async (signal) => {
      const outcome = await runNegativeCheck(keyless, { ...exchangeTarget, signal }, "registry-test", image?.repository);
      if (!outcome.refused) {
        unsafe = true;
        throw new UnsafeFederationError({ ...keyless.federation.unsafe({ stranger: outcome.stranger, subject: minted.claims.sub, settings }), setupStep: "credential" });
      }
      const answer = [outcome.status, outcome.code, outcome.message].filter(Boolean).join(" ");
      return { value: true, detail: `${outcome.at === "exchange" ? provider.label : hostname} refused a token for another subject (${outcome.stranger}): ${answer}`, requestId: outcome.requestId };
    });
    if (!refused) {
      skip(["registry-login", "registry-token", "manifest"], unsafe ? `Skipped: ${provider.label} trusts other teams of this portal. Fix the federation first.` : "Skipped: the check that the federation refuses other teams did not finish.");
      return null;
    }
    return exchanged;
  }

  await (async () => {
    const credential = keyless && credentials.authType === "federated"
      ? await federatedCredential(keyless, credentials.settings)
      : needsExchange
        ? await step("credential-exchange", async (signal) => {
            const exchanged = await obtainLoginCredential(credentials, { hostname, baseUrl, provider, teamId: target.teamId ?? "", purpose: "registry-test" }, options.endpoints, signal);
            return { value: exchanged.credential, detail: exchanged.detail, requestId: exchanged.requestId };
          })
        : directLoginCredential(credentials);
    if (!credential) {
      if (!keyless) skip(["registry-login", "registry-token", "manifest"], "Skipped: the credential exchange failed.");
      return;
    }
    const authTarget: RegistryAuthTarget = { baseUrl, credential, endpoints: options.endpoints };

    const login = await step("registry-login", async (signal) => {
      const result = await logIn(authTarget, signal);
      return { value: result, detail: describeLogin(result.challenge?.scheme ?? null, result.challenge?.scheme === "bearer" ? result.challenge.realm : null, hostname) };
    });
    if (!login) return skip(["registry-token", "manifest"], "Skipped: the registry did not accept the login.");
    if (!image) return skip(["registry-token", "manifest"], "No image given; enter repository:tag next to the Test button to check the pull scope and the image.");

    const scope = pullScope(image.repository);
    const authorization = await step("registry-token", async (signal): Promise<{ value: RegistryAuthorization; detail: string }> => {
      const value = await authorize(authTarget, login.challenge, [scope], signal);
      if (value.grantedActions && !value.grantedActions.includes("pull")) throw new NoPullScopeError(value.grantedActions);
      const detail =
        value.scheme === "bearer"
          ? `Token for ${scope}${value.grantedActions ? ` (granted: ${value.grantedActions.join(", ")})` : ""}, valid ${Math.round((value.expiresAt - value.obtainedAt) / 1000)} s.`
          : value.scheme === "basic"
            ? "The registry takes the credentials with every request (Basic); no token is needed."
            : "The registry serves without a login.";
      return { value, detail };
    });
    if (!authorization) return skip(["manifest"], "Skipped: no token with the pull scope.");

    await step("manifest", async (signal) => {
      const found = await headOciManifest(baseUrl, authorization.header, image, options.endpoints, signal);
      return { value: true, detail: `${imageText} found${found.digest ? `: ${found.digest}` : ""}${found.mediaType ? ` (${found.mediaType})` : ""}` };
    });
  })();

  const finalSteps = ids.map((id) => steps.get(id)!);
  const failed = finalSteps.find((s) => s.status === "failed");
  const verdict = unsafe ? "unsafe" : failed ? "failing" : "verified";
  const result: RegistryTestResult = {
    verdict,
    headline:
      verdict === "unsafe"
        ? `${provider.label} trusts every team of this portal: ${failed?.diagnosis?.summary ?? "the federation does not pin your team's subject"}`
        : failed
          ? `"${failed.title}" failed: ${failed.diagnosis?.summary ?? "see the step for details"}`
          : keyless
            ? `${provider.label} accepts the portal's token for your team and refuses other teams${image ? `; ${imageText} can be pulled` : ""}.`
            : `The credentials work and ${provider.label} accepts them${image ? `; ${imageText} can be pulled` : ""}.`,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - start),
    steps: finalSteps,
    ...(sentClaims ? { sentClaims } : {}),
  };
  return { result, externalMs: Math.round(externalMs) };
}

function titleOf(id: StepId, image: ImageReference | undefined, provider: RegistryProviderModule, keyless: boolean): string {
  if (id === "registry-token" && image) return `Get a pull token for ${image.repository} (scope ${pullScope(image.repository)})`;
  if (keyless && provider.federation) {
    if (id === "sign-token") return `Sign the portal's token for ${provider.label}`;
    if (id === "credential-exchange") return provider.federation.exchangeTitle;
    if (id === "negative-check") return `Check ${provider.label} refuses other teams' tokens`;
  }
  return STEP_TITLES[id];
}

function describeLogin(scheme: "basic" | "bearer" | null, realm: string | null, hostname: string): string {
  if (scheme === "bearer") return `${hostname} accepted a token from its token server ${realm ? new URL(realm).host : ""}.`.replace(" .", ".");
  if (scheme === "basic") return `${hostname} accepted the credentials (Basic).`;
  return `${hostname} answers without a login.`;
}

/** HEAD of the manifest; on a refusal the same GET carries the registry's error code and message. */
async function headOciManifest(baseUrl: string, authorization: string | null, image: ImageReference, endpoints: AuthEndpoints, signal: AbortSignal): Promise<{ digest: string | null; mediaType: string | null }> {
  const url = new URL(`${baseUrl}/v2/${image.repository}/manifests/${encodeURIComponent(image.reference)}`);
  const headers = { accept: MANIFEST_MEDIA_TYPES.join(", "), ...(authorization ? { authorization } : {}) };
  const head = await authHttpRequest(url, { method: "HEAD", headers, signal, trustedOrigins: endpoints.trustedOrigins });
  if (head.status === 200) return { digest: header(head.headers["docker-content-digest"]), mediaType: header(head.headers["content-type"]) };
  const detail = await authHttpRequest(url, { method: "GET", headers, signal, trustedOrigins: endpoints.trustedOrigins, maxBodyBytes: 64 * 1024 });
  const answer = detail.status === head.status ? detail : head;
  const { code, message } = errorOfBody(answer.body);
  const challengeError = /error="([^"]+)"/.exec(header(answer.headers["www-authenticate"]) ?? "")?.[1];
  if (answer.status === 404 && code !== "NAME_UNKNOWN") {
    // Registries answer MANIFEST_UNKNOWN for a missing repository too; its tag list tells the two apart.
    const tags = await authHttpRequest(new URL(`${baseUrl}/v2/${image.repository}/tags/list?n=20`), { method: "GET", headers: authorization ? { authorization } : {}, signal, trustedOrigins: endpoints.trustedOrigins, maxBodyBytes: 64 * 1024 });
    const listed = errorOfBody(tags.body);
    if (tags.status === 404 && listed.code === "NAME_UNKNOWN") throw new RegistryAuthError("ping", 404, listed.code, listed.message);
    if (tags.status === 200) throw new ManifestNotFoundError(code, message, tagsOf(tags.body));
  }
  throw new RegistryAuthError("ping", answer.status, code, message, challengeError);
}

/** A manifest the registry does not have, in a repository it has (with some of its tags). */
class ManifestNotFoundError extends RegistryAuthError {
  constructor(
    code: string | undefined,
    message: string | undefined,
    readonly tags: string[],
  ) {
    super("ping", 404, code, message);
  }
}

function tagsOf(body: string): string[] {
  try {
    const tags = (JSON.parse(body) as { tags?: unknown }).tags;
    return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string").slice(0, 20) : [];
  } catch {
    return [];
  }
}

function header(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

function toOciFailure(error: unknown): CallFailure {
  if (error instanceof RegistryAuthError) {
    return {
      kind: "registry",
      httpStatus: error.status,
      stage: error.stage,
      ...(error.code ? { code: error.code } : {}),
      ...(error.registryMessage ? { message: error.registryMessage } : {}),
      ...(error.challengeError ? { challengeError: error.challengeError } : {}),
    };
  }
  if (error instanceof NoPullScopeError) {
    return { kind: "registry", httpStatus: 403, stage: "token", code: "insufficient_scope", message: `The token server granted ${error.granted.length > 0 ? error.granted.join(", ") : "no actions"} on the repository, not pull.` };
  }
  if (error instanceof RegistryProtocolError) return { kind: "answer", message: error.message };
  if (error instanceof UnsafeUrlError) return { kind: "network", code: "UNSAFE_DESTINATION", message: error.message };
  return toCallFailure(error);
}
