import "server-only";
// The Test of a keyless Google registry (Artifact Registry or Container
// Registry through Workload Identity Federation), step by step: the portal
// signs a token for the team (audience: the provider's canonical name),
// Google STS exchanges it, IAM Credentials impersonates the service account
// when one is set, then the negative check: a token for a stranger subject
// must be refused where Google decides (STS's attribute condition,
// impersonation, or the registry's binding) before the registry login, the
// pull scope and the manifest are checked with the team's access token.
import { workloadIdentityProviderName, type GoogleFederationSettings } from "@/lib/gcp/workload-identity";
import { diagnoseGoogleRefusal, unsafeFederationDiagnosis, type GoogleDiagnosisContext } from "@/lib/gcp/federation-diagnosis";
import { mintStrangerToken, mintWebIdentityToken, type MintedToken } from "@/lib/oidc/web-identity-token";
import { getProvider } from "@/lib/registries/providers";
import { authorize, logIn, pullScope, RegistryAuthError, type RegistryAuthTarget, type RegistryLoginCredential } from "@/lib/registry-auth/client";
import type { AuthEndpoints } from "@/lib/registry-auth/endpoints";
import { accessTokenLogin, exchangeAtGoogleSts, impersonateServiceAccount, type GoogleAccessToken } from "@/lib/registry-auth/google";
import { registryBaseUrl } from "@/lib/registry-test/endpoints";
import { CALL_TIMEOUT_MS, TEST_TIMEOUT_MS, withCallLimits } from "@/lib/registry-test/limits";
import { diagnoseOci } from "@/lib/registry-test/oci-diagnosis";
import { headOciManifest, toOciFailure } from "@/lib/registry-test/run-oci-test";
import type { RegistryTestRun } from "@/lib/registry-test/run-test";
import type { ImageReference } from "@/lib/registry-test/schema";
import { STEP_TITLES, type Diagnosis, type RegistryTestResult, type StepId, type StepResult } from "@/lib/registry-test/steps";

export interface GoogleFederatedTestTarget {
  teamId: string;
  /** The team's public ID: the subject of its tokens. */
  teamPublicId: string;
  hostname: string;
  settings: GoogleFederationSettings;
}

export interface RunGoogleFederatedTestOptions {
  endpoints: AuthEndpoints;
  issuerUrl: string;
  image?: ImageReference;
  onStep?: (step: StepResult) => void;
  callTimeoutMs?: number;
  testTimeoutMs?: number;
}

/** Google admitted what it must refuse; carries its own diagnosis. */
class UnsafeFederationError extends Error {
  constructor(readonly diagnosis: Diagnosis) {
    super(diagnosis.summary);
  }
}

export async function runGoogleFederatedTest(target: GoogleFederatedTestTarget, options: RunGoogleFederatedTestOptions): Promise<RegistryTestRun> {
  const startedAt = new Date();
  const start = performance.now();
  const deadline = AbortSignal.timeout(options.testTimeoutMs ?? TEST_TIMEOUT_MS);
  const limits = { callTimeoutMs: options.callTimeoutMs ?? CALL_TIMEOUT_MS, deadline };
  const { settings, hostname } = target;
  const provider = getProvider("google")!;
  const image = options.image;
  const imageText = image ? `${image.repository}:${image.reference}`.replace(":sha256:", "@sha256:") : undefined;
  const audience = workloadIdentityProviderName(settings);
  const googleContext: GoogleDiagnosisContext = { settings, subject: target.teamPublicId, issuerUrl: options.issuerUrl, hostname };
  const baseUrl = registryBaseUrl(provider.apiHostname(hostname), options.endpoints.registryOverrides);

  const ids: StepId[] = ["sign-token", "google-sts", ...(settings.serviceAccountEmail ? (["google-impersonation"] as const) : []), "negative-check", "registry-login", "registry-token", "manifest"];
  const steps = new Map<StepId, StepResult>(ids.map((id) => [id, { id, title: id === "registry-token" && image ? `Get a pull token for ${image.repository} (scope ${pullScope(image.repository)})` : STEP_TITLES[id], status: "pending" }]));
  const update = (id: StepId, patch: Partial<StepResult>) => {
    const next = { ...steps.get(id)!, ...patch };
    steps.set(id, next);
    options.onStep?.(next);
  };
  const skip = (list: StepId[], detail: string) => list.forEach((id) => update(id, { status: "skipped", detail }));
  for (const pending of steps.values()) options.onStep?.(pending);
  let externalMs = 0;
  let unsafe = false;

  async function step<T>(id: StepId, call: (signal: AbortSignal) => Promise<{ value: T; detail: string }>): Promise<T | null> {
    update(id, { status: "running" });
    const began = performance.now();
    try {
      const outcome = await withCallLimits(limits, call);
      update(id, { status: "passed", durationMs: Math.round(performance.now() - began), detail: outcome.detail });
      return outcome.value;
    } catch (error) {
      update(id, { status: "failed", durationMs: Math.round(performance.now() - began), diagnosis: diagnosisOf(id, error) });
      return null;
    } finally {
      externalMs += performance.now() - began;
    }
  }

  function diagnosisOf(id: StepId, error: unknown): Diagnosis {
    if (error instanceof UnsafeFederationError) return error.diagnosis;
    if (error instanceof RegistryAuthError && (error.stage === "google-sts" || error.stage === "google-iam")) {
      return diagnoseGoogleRefusal({ where: error.stage === "google-sts" ? "sts" : "iam", status: error.status, code: error.code, message: error.registryMessage }, googleContext);
    }
    if (error instanceof RegistryAuthError && error.status === 403 && (id === "registry-token" || id === "manifest")) {
      return diagnoseGoogleRefusal({ where: "registry", status: error.status, code: error.code, message: error.registryMessage, repository: image?.repository }, googleContext);
    }
    return diagnoseOci(id, toOciFailure(error), { provider, hostname, ...(imageText ? { image: imageText, repository: image!.repository } : {}) });
  }

  /** The portal's token → the access token the registry takes (STS, then impersonation when set). */
  const exchange = (token: MintedToken, signal: AbortSignal) => exchangeAtGoogleSts(settings, token.token, options.endpoints, signal);
  const impersonate = (federated: GoogleAccessToken, signal: AbortSignal) => impersonateServiceAccount(settings.serviceAccountEmail!, federated, options.endpoints, signal);

  let sentClaims: RegistryTestResult["sentClaims"];
  await (async () => {
    const minted = await step("sign-token", async () => {
      const token = await mintWebIdentityToken({ teamId: target.teamId, purpose: "registry-test", audience });
      return { value: token, detail: `Subject ${token.claims.sub}, audience ${token.claims.aud}, valid for 5 minutes, key ${token.kid}` };
    });
    if (!minted) return skip(ids.slice(1), "Skipped: no token.");
    sentClaims = { iss: minted.claims.iss, aud: minted.claims.aud, sub: minted.claims.sub };

    const federated = await step("google-sts", async (signal) => ({
      value: await exchange(minted, signal),
      detail: `Google STS accepted the token for ${minted.claims.sub} through ${settings.poolId}/${settings.providerId} and issued a federated access token.`,
    }));
    if (!federated) return skip(ids.slice(2), "Skipped: Google STS did not exchange the token.");
    let accessToken = federated;
    if (settings.serviceAccountEmail) {
      const impersonated = await step("google-impersonation", async (signal) => ({ value: await impersonate(federated, signal), detail: `Acting as ${settings.serviceAccountEmail}.` }));
      if (!impersonated) return skip(ids.slice(3), "Skipped: the service account could not be impersonated.");
      accessToken = impersonated;
    }

    const refused = await step("negative-check", (signal) => checkStrangerRefused(signal));
    if (unsafe) return skip(["registry-login", "registry-token", "manifest"], "Skipped: the federation admits other teams of this portal. Fix it first.");
    if (!refused) return skip(["registry-login", "registry-token", "manifest"], "Skipped: the check that Google refuses other teams did not finish.");

    const authTarget: RegistryAuthTarget = { baseUrl, credential: accessTokenLogin(accessToken), endpoints: options.endpoints };
    const login = await step("registry-login", async (signal) => ({ value: await logIn(authTarget, signal), detail: `${hostname} accepted the access token as oauth2accesstoken.` }));
    if (!login) return skip(["registry-token", "manifest"], "Skipped: the registry did not accept the login.");
    if (!image) return skip(["registry-token", "manifest"], "No image given; enter repository:tag next to the Test button to check the pull scope and the image.");
    const authorization = await step("registry-token", async (signal) => {
      const value = await authorize(authTarget, login.challenge, [pullScope(image.repository)], signal);
      if (value.grantedActions && !value.grantedActions.includes("pull")) throw new RegistryAuthError("token", 403, "DENIED", `The token server granted ${value.grantedActions.join(", ") || "no actions"} on ${image.repository}, not pull.`);
      return { value, detail: `Token for ${pullScope(image.repository)}, valid ${Math.round((value.expiresAt - value.obtainedAt) / 1000)} s.` };
    });
    if (!authorization) return skip(["manifest"], "Skipped: no token with the pull scope.");
    await step("manifest", async (signal) => {
      const found = await headOciManifest(baseUrl, authorization.header, image, options.endpoints, signal);
      return { value: true, detail: `${imageText} found${found.digest ? `: ${found.digest}` : ""}${found.mediaType ? ` (${found.mediaType})` : ""}` };
    });
  })();

  /**
   * A stranger's token (same audience, a random subject that is no team's)
   * must be refused: by STS (the attribute condition), by impersonation, or
   * by the registry for the image's repository. Admitted everywhere: unsafe.
   */
  async function checkStrangerRefused(signal: AbortSignal): Promise<{ value: true; detail: string }> {
    const stranger = await mintStrangerToken("registry-test", audience);
    const subject = stranger.claims.sub;
    const refusedBy = async <T>(call: () => Promise<T>): Promise<{ refused: true; detail: string } | { refused: false; value: T }> => {
      try {
        return { refused: false, value: await call() };
      } catch (error) {
        if (error instanceof RegistryAuthError && error.status >= 400 && error.status < 500) return { refused: true, detail: `${error.code ?? error.status}${error.registryMessage ? `: ${error.registryMessage}` : ""}` };
        throw error;
      }
    };
    const sts = await refusedBy(() => exchange(stranger, signal));
    if (sts.refused) return { value: true, detail: `Google STS refused a token for another subject (${subject}): ${sts.detail}` };
    let token = sts.value;
    if (settings.serviceAccountEmail) {
      const iam = await refusedBy(() => impersonate(sts.value, signal));
      if (iam.refused) return { value: true, detail: `Google refused to let another subject (${subject}) impersonate ${settings.serviceAccountEmail}: ${iam.detail}` };
      token = iam.value;
    }
    const repository = image?.repository;
    if (!repository) {
      unsafe = true;
      throw new UnsafeFederationError({
        ...unsafeFederationDiagnosis(googleContext, subject, "sts"),
        fix: "Add the attribute condition below to the provider, then test again. (Google admitted another subject and no image was given to prove the registry refuses it.)",
      });
    }
    const registry = await refusedBy(() => strangerPull(accessTokenLogin(token), repository, signal));
    if (registry.refused) return { value: true, detail: `Google STS admitted another subject (${subject}), but ${hostname} refused it ${repository}: ${registry.detail}. Add the attribute condition to refuse it at STS too.` };
    unsafe = true;
    throw new UnsafeFederationError(unsafeFederationDiagnosis(googleContext, subject, "registry"));
  }

  async function strangerPull(credential: RegistryLoginCredential, repository: string, signal: AbortSignal): Promise<void> {
    const authTarget: RegistryAuthTarget = { baseUrl, credential, endpoints: options.endpoints };
    const login = await logIn(authTarget, signal);
    const value = await authorize(authTarget, login.challenge, [pullScope(repository)], signal);
    if (value.grantedActions && !value.grantedActions.includes("pull")) throw new RegistryAuthError("token", 403, "DENIED", "no pull granted");
  }

  const finalSteps = ids.map((id) => steps.get(id)!);
  const failed = finalSteps.find((s) => s.status === "failed");
  const verdict = unsafe ? "unsafe" : failed ? "failing" : "verified";
  const headline =
    verdict === "verified"
      ? `Google exchanged the portal's token, ${provider.label} accepts it${imageText ? ` and ${imageText} can be pulled` : ""}, and Google refuses other teams.`
      : verdict === "unsafe"
        ? "The federation admits every team of this portal. Add the attribute condition before using it."
        : `"${failed!.title}" failed: ${failed!.diagnosis?.summary ?? "see the step for details"}`;
  const result: RegistryTestResult = { verdict, headline, startedAt: startedAt.toISOString(), durationMs: Math.round(performance.now() - start), steps: finalSteps, ...(sentClaims ? { sentClaims } : {}) };
  return { result, externalMs: Math.round(externalMs) };
}
