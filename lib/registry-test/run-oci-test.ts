import "server-only";
// The Test of a registry that speaks the OCI token flow (every provider but
// ECR), step by step like the ECR Test: the credential exchange where there
// is one (Azure service principal), the /v2/ login, a token with the
// repository's pull scope, and the manifest HEAD when an image is given.
// Every request goes through lib/registry-auth (public https:// destinations
// only, unless the operator overrides them).
import type { RegistryCredentials } from "@/lib/registries/credentials";
import type { RegistryProviderModule } from "@/lib/registries/providers/types";
import { authorize, logIn, pullScope, RegistryAuthError, RegistryProtocolError, type RegistryAuthTarget, type RegistryAuthorization } from "@/lib/registry-auth/client";
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
import { STEP_TITLES, type RegistryTestResult, type StepId, type StepResult } from "@/lib/registry-test/steps";

export interface OciTestTarget {
  provider: RegistryProviderModule;
  /** The registry's validated hostname, as stored. */
  hostname: string;
  credentials: RegistryCredentials;
}

export interface RunOciTestOptions {
  endpoints: AuthEndpoints;
  image?: ImageReference;
  onStep?: (step: StepResult) => void;
  callTimeoutMs?: number;
  testTimeoutMs?: number;
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

  const ids: StepId[] = [...(needsExchange ? (["credential-exchange"] as const) : []), "registry-login", "registry-token", "manifest"];
  const steps = new Map<StepId, StepResult>(ids.map((id) => [id, { id, title: titleOf(id, image), status: "pending" }]));
  const update = (id: StepId, patch: Partial<StepResult>) => {
    const next = { ...steps.get(id)!, ...patch };
    steps.set(id, next);
    options.onStep?.(next);
  };
  const skip = (ids: StepId[], detail: string) => ids.forEach((id) => update(id, { status: "skipped", detail }));
  for (const pending of steps.values()) options.onStep?.(pending);
  let externalMs = 0;

  async function step<T>(id: StepId, call: (signal: AbortSignal) => Promise<{ value: T; detail: string }>): Promise<T | null> {
    update(id, { status: "running" });
    const began = performance.now();
    try {
      const outcome = await withCallLimits(limits, call);
      update(id, { status: "passed", durationMs: Math.round(performance.now() - began), detail: outcome.detail });
      return outcome.value;
    } catch (error) {
      if (error instanceof ManifestNotFoundError) context.knownTags = error.tags;
      update(id, { status: "failed", durationMs: Math.round(performance.now() - began), diagnosis: diagnoseOci(id, toOciFailure(error), context) });
      return null;
    } finally {
      externalMs += performance.now() - began;
    }
  }

  await (async () => {
    const credential = needsExchange
      ? await step("credential-exchange", async (signal) => ({
          value: await obtainLoginCredential(credentials, { hostname, baseUrl }, options.endpoints, signal),
          detail: "Entra ID issued a token for the service principal and the registry exchanged it for a refresh token.",
        }))
      : directLoginCredential(credentials);
    if (!credential) return skip(["registry-login", "registry-token", "manifest"], "Skipped: the credential exchange failed.");
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
  const result: RegistryTestResult = {
    verdict: failed ? "failing" : "verified",
    headline: failed ? `"${failed.title}" failed: ${failed.diagnosis?.summary ?? "see the step for details"}` : `The credentials work and ${provider.label} accepts them${image ? `; ${imageText} can be pulled` : ""}.`,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - start),
    steps: finalSteps,
  };
  return { result, externalMs: Math.round(externalMs) };
}

function titleOf(id: StepId, image: ImageReference | undefined): string {
  if (id === "registry-token" && image) return `Get a pull token for ${image.repository} (scope ${pullScope(image.repository)})`;
  return STEP_TITLES[id];
}

function describeLogin(scheme: "basic" | "bearer" | null, realm: string | null, hostname: string): string {
  if (scheme === "bearer") return `${hostname} accepted a token from its token server ${realm ? new URL(realm).host : ""}.`.replace(" .", ".");
  if (scheme === "basic") return `${hostname} accepted the credentials (Basic).`;
  return `${hostname} answers without a login.`;
}

/** HEAD of the manifest; on a refusal the same GET carries the registry's error code and message. */
export async function headOciManifest(baseUrl: string, authorization: string | null, image: ImageReference, endpoints: AuthEndpoints, signal: AbortSignal): Promise<{ digest: string | null; mediaType: string | null }> {
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

export function toOciFailure(error: unknown): CallFailure {
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
