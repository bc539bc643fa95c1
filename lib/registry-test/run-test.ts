import "server-only";
// Runs a registry test: the real STS and ECR calls with the AWS SDK and the
// real registry calls, step by step, reporting each step as it changes. For
// IAM authentication a second token, for a subject that is not the team, must
// be refused by AWS (the negative check) before the role's credentials are used for ECR.
import type { RoleArn } from "@/lib/aws/arn";
import { createEcrClient, createStsClient, loadEcr, loadSts, type AwsCredentials } from "@/lib/aws/clients";
import type { EcrHostname } from "@/lib/aws/ecr-hostname";
import { buildRoleSessionName } from "@/lib/aws/role-session-name";
import { buildSubConditionFix, formatPolicyJson, STS_AUDIENCE } from "@/lib/aws/trust-policy";
import { mintStrangerToken, mintWebIdentityToken } from "@/lib/oidc/web-identity-token";
import { diagnose, type DiagnosisContext } from "@/lib/registry-test/diagnosis";
import { registryBaseUrl, type TestEndpoints } from "@/lib/registry-test/endpoints";
import { toCallFailure, UnexpectedAnswerError } from "@/lib/registry-test/failure";
import { CALL_TIMEOUT_MS, TEST_TIMEOUT_MS, withCallLimits } from "@/lib/registry-test/limits";
import { decodeEcrAuthorizationToken, headManifest, pingRegistry, RegistryHttpError } from "@/lib/registry-test/registry-http";
import type { ImageReference } from "@/lib/registry-test/schema";
import { apiCallOf, STEP_TITLES, type Diagnosis, type RegistryTestResult, type StepId, type StepResult } from "@/lib/registry-test/steps";

export type RegistryTestTarget =
  | { authType: "iam_role"; teamId: string; teamPublicId: string; registryId: string; hostname: EcrHostname; role: RoleArn }
  | { authType: "access_key"; hostname: EcrHostname; credentials: { accessKeyId: string; secretAccessKey: string } }
  | { authType: "ambient"; hostname: EcrHostname };

export interface RunRegistryTestOptions {
  endpoints: TestEndpoints;
  issuerUrl: string;
  /**
   * The issuer's TLS thumbprint, for the diagnosis of a thumbprint mismatch;
   * a lookup is only started for IAM authentication, and only awaited within
   * the test's deadline when a failure needs it.
   */
  thumbprint?: string | null | (() => Promise<string | null>);
  image?: ImageReference;
  onStep?: (step: StepResult) => void;
  callTimeoutMs?: number;
  testTimeoutMs?: number;
}

export interface RegistryTestRun {
  result: RegistryTestResult;
  /** Wall-clock time during which at least one call to AWS or the registry was in flight. */
  externalMs: number;
}

const SESSION_SECONDS = 900;

export async function runRegistryTest(target: RegistryTestTarget, options: RunRegistryTestOptions): Promise<RegistryTestRun> {
  const startedAt = new Date();
  const start = performance.now();
  const deadline = AbortSignal.timeout(options.testTimeoutMs ?? TEST_TIMEOUT_MS);
  const limits = { callTimeoutMs: options.callTimeoutMs ?? CALL_TIMEOUT_MS, deadline };
  const external = new ExternalTime();
  const { hostname } = target;
  const context: DiagnosisContext = {
    issuerUrl: options.issuerUrl,
    hostname: hostname.hostname,
    region: hostname.apiRegion,
    registryAccountId: hostname.accountId,
    thumbprint: null,
    ...(options.image ? { image: `${options.image.repository}:${options.image.reference}`.replace(":sha256:", "@sha256:") } : {}),
    ...(target.authType === "iam_role" ? { roleArn: target.role.arn, roleAccountId: target.role.accountId } : {}),
  };

  const ids: StepId[] = target.authType === "iam_role"
    ? ["sign-token", "assume-role", "negative-check", "ecr-token", "registry-login", "manifest"]
    : ["caller-identity", "ecr-token", "registry-login", "manifest"];
  const steps = new Map<StepId, StepResult>(ids.map((id) => [id, { id, title: STEP_TITLES[id], ...apiCallOf(id), status: "pending" }]));
  const update = (id: StepId, patch: Partial<StepResult>) => {
    const next = { ...steps.get(id)!, ...patch };
    steps.set(id, next);
    options.onStep?.(next);
  };
  const skip = (id: StepId, detail: string) => update(id, { status: "skipped", detail });
  // The whole plan first, every step pending, so the vendor sees what will run.
  for (const pending of steps.values()) options.onStep?.(pending);

  const thumbprintLookup: Promise<string | null> =
    typeof options.thumbprint === "function"
      ? target.authType === "iam_role"
        ? options.thumbprint().catch(() => null)
        : Promise.resolve(null)
      : Promise.resolve(options.thumbprint ?? null);

  /** Runs one step; returns its value, or null after recording the failure. */
  async function step<T>(
    id: StepId,
    call: (signal: AbortSignal) => Promise<{ value: T; detail?: string; detailTime?: string; requestId?: string }>,
    where: "external" | "local" = "external",
  ): Promise<T | null> {
    update(id, { status: "running" });
    const began = performance.now();
    try {
      const outcome = await withCallLimits(limits, (signal) => (where === "external" ? external.measure(() => call(signal)) : call(signal)));
      update(id, { status: "passed", durationMs: Math.round(performance.now() - began), ...(outcome.detail ? { detail: outcome.detail } : {}), ...(outcome.detailTime ? { detailTime: outcome.detailTime } : {}), ...(outcome.requestId ? { requestId: outcome.requestId } : {}) });
      return outcome.value;
    } catch (error) {
      if (error instanceof UnsafeRoleError) {
        update(id, { status: "failed", durationMs: Math.round(performance.now() - began), diagnosis: error.diagnosis });
        return null;
      }
      const failure = error instanceof RegistryHttpError ? error.failure : toCallFailure(error);
      // Only the thumbprint-mismatch diagnosis quotes the thumbprint; it waits for it within the deadline.
      if (failure.kind === "aws" && /thumbprint/i.test(failure.message)) context.thumbprint = await untilAborted(thumbprintLookup, deadline);
      update(id, {
        status: "failed",
        durationMs: Math.round(performance.now() - began),
        diagnosis: diagnose(id, failure, context),
        ...(failure.kind === "aws" && failure.requestId ? { requestId: failure.requestId } : {}),
      });
      return null;
    }
  }

  const stsClient = (credentials?: AwsCredentials) => createStsClient(hostname, options.endpoints.sts, credentials);

  /** GetAuthorizationToken → /v2/ → manifest HEAD, with the given credentials (undefined: the default chain). */
  async function ecrSteps(credentials: AwsCredentials | undefined): Promise<void> {
    if (hostname.kind === "public") {
      for (const id of ["ecr-token", "registry-login", "manifest"] as const) skip(id, "ECR Public (public.ecr.aws) serves images anonymously; there is no private registry login to check.");
      return;
    }
    const ecr = await createEcrClient(hostname, options.endpoints.ecr, credentials);
    const password = await step("ecr-token", async (signal) => {
      const { GetAuthorizationTokenCommand } = await loadEcr();
      const response = await ecr.send(new GetAuthorizationTokenCommand({}), { abortSignal: signal });
      const data = response.authorizationData?.[0];
      if (!data?.authorizationToken) throw new UnexpectedAnswerError("ECR returned no authorization data");
      const expiresAt = data.expiresAt;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new UnexpectedAnswerError("ECR returned a login token that has already expired");
      return {
        value: decodeEcrAuthorizationToken(data.authorizationToken),
        // The time goes separately, so the page shows it in the reader's format and zone.
        ...(expiresAt ? { detail: "Login token valid until", detailTime: expiresAt.toISOString() } : { detail: "Login token received (no expiry given)" }),
        ...(response.$metadata.requestId ? { requestId: response.$metadata.requestId } : {}),
      };
    });
    if (password === null) {
      for (const id of ["registry-login", "manifest"] as const) skip(id, "Skipped: no ECR login token.");
      return;
    }
    const baseUrl = registryBaseUrl(hostname.hostname, options.endpoints.registryOverrides);
    const loggedIn = await step("registry-login", async (signal) => {
      await pingRegistry(baseUrl, password, signal);
      return { value: true, detail: `${hostname.hostname} accepted the login token.` };
    });
    if (!loggedIn) return skip("manifest", "Skipped: the registry did not accept the login.");
    const image = options.image;
    if (!image) return skip("manifest", "No image given; enter repository:tag next to the Test button to check one.");
    await step("manifest", async (signal) => {
      const found = await headManifest(baseUrl, password, image, signal);
      return { value: true, detail: `${context.image} found${found.digest ? `: ${found.digest}` : ""}${found.mediaType ? ` (${found.mediaType})` : ""}` };
    });
  }

  let sentClaims: RegistryTestResult["sentClaims"];
  let unsafe = false;

  if (target.authType === "iam_role") {
    const minted = await step("sign-token", async () => {
      const token = await mintWebIdentityToken({ teamId: target.teamId, purpose: "registry-test", audience: STS_AUDIENCE });
      return { value: token, detail: `Subject ${token.claims.sub}, audience ${token.claims.aud}, valid for 5 minutes, key ${token.kid}` };
    }, "local");
    if (minted) sentClaims = { iss: minted.claims.iss, aud: minted.claims.aud, sub: minted.claims.sub };
    if (sentClaims) context.sentClaims = sentClaims;
    const { AssumeRoleWithWebIdentityCommand } = await loadSts();
    const assume = async (token: string, signal: AbortSignal) =>
      (await stsClient()).send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: target.role.arn,
          RoleSessionName: buildRoleSessionName(target.teamPublicId, target.registryId),
          WebIdentityToken: token,
          DurationSeconds: SESSION_SECONDS,
        }),
        { abortSignal: signal },
      );
    const credentials = minted
      ? await step("assume-role", async (signal) => {
          const response = await assume(minted.token, signal);
          const c = response.Credentials;
          if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new UnexpectedAnswerError("STS returned no credentials");
          return {
            value: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
            detail: `Assumed ${response.AssumedRoleUser?.Arn ?? target.role.arn}`,
            ...(response.$metadata.requestId ? { requestId: response.$metadata.requestId } : {}),
          };
        })
      : null;
    if (!minted) skip("assume-role", "Skipped: no token.");
    if (!credentials) {
      for (const id of ["negative-check", "ecr-token", "registry-login", "manifest"] as const) skip(id, "Skipped: the role could not be assumed.");
    } else {
      const refused = await step("negative-check", async (signal) => {
        const stranger = await mintStrangerToken("registry-test", STS_AUDIENCE);
        const strangerSubject = stranger.claims.sub;
        try {
          await assume(stranger.token, signal);
        } catch (error) {
          const failure = toCallFailure(error);
          if (failure.kind === "aws" && failure.code === "AccessDenied") {
            return { value: true, detail: `AWS refused a token for another subject (${strangerSubject}).`, ...(failure.requestId ? { requestId: failure.requestId } : {}) };
          }
          throw error;
        }
        unsafe = true;
        throw new UnsafeRoleError({
          summary: `Unsafe: this role trusts any subject of the portal's issuer. AWS accepted a token for ${strangerSubject}, which is not your team, so any team of this portal could assume the role.`,
          fix: "Add the sub condition below to the role's trust policy (or replace the trust policy with the one shown on this page), then test again.",
          setupStep: "trust-policy",
          snippet: formatPolicyJson({ Condition: buildSubConditionFix(options.issuerUrl, target.teamPublicId) }),
        });
      });
      // Credentials of a role that any team may assume are not used any further.
      if (unsafe) {
        for (const id of ["ecr-token", "registry-login", "manifest"] as const) skip(id, "Skipped: the role trusts other teams of this portal. Fix the trust policy first.");
      } else if (refused) {
        await ecrSteps(credentials);
      } else {
        for (const id of ["ecr-token", "registry-login", "manifest"] as const) skip(id, "Skipped: the check that the role refuses other teams did not finish.");
      }
    }
  } else {
    const credentials = target.authType === "access_key" ? target.credentials : undefined;
    const identity = await step("caller-identity", async (signal) => {
      const { GetCallerIdentityCommand } = await loadSts();
      const response = await (await stsClient(credentials)).send(new GetCallerIdentityCommand({}), { abortSignal: signal });
      return {
        value: response.Arn ?? "unknown",
        detail: `The ${target.authType === "ambient" ? "portal's credentials belong" : "key belongs"} to ${response.Arn ?? "an unnamed identity"} (account ${response.Account ?? "?"}).`,
        ...(response.$metadata.requestId ? { requestId: response.$metadata.requestId } : {}),
      };
    });
    if (identity === null) {
      for (const id of ["ecr-token", "registry-login", "manifest"] as const) skip(id, "Skipped: AWS did not accept the credentials.");
    } else {
      await ecrSteps(credentials);
    }
  }

  const finalSteps = ids.map((id) => steps.get(id)!);
  const failed = finalSteps.find((s) => s.status === "failed");
  const verdict = unsafe ? "unsafe" : failed ? "failing" : "verified";
  const headline =
    verdict === "verified"
      ? target.authType === "iam_role"
        ? "The portal can assume the role and pull from the registry, and the role refuses other teams."
        : "The credentials work and the registry accepts them."
      : verdict === "unsafe"
        ? "The role trusts every team of this portal. Add the sub condition before using it."
        : `"${failed!.title}" failed: ${failed!.diagnosis?.summary ?? "see the step for details"}`;
  return {
    result: { verdict, headline, startedAt: startedAt.toISOString(), durationMs: Math.round(performance.now() - start), steps: finalSteps, ...(sentClaims ? { sentClaims } : {}) },
    externalMs: Math.round(external.totalMs),
  };
}

/** The promise's value, or null once the signal aborts (or has already). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve) => {
    const onAbort = () => resolve(null);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      () => {
        signal.removeEventListener("abort", onAbort);
        resolve(null);
      },
    );
  });
}

/** AWS accepted what it must refuse; carries its own diagnosis. */
class UnsafeRoleError extends Error {
  constructor(readonly diagnosis: Diagnosis) {
    super(diagnosis.summary);
    this.name = "UnsafeRoleError";
  }
}

/** Union of the intervals during which at least one external call was in flight. */
class ExternalTime {
  totalMs = 0;
  private inFlight = 0;
  private since = 0;
  async measure<T>(call: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.since = performance.now();
    try {
      return await call();
    } finally {
      if (--this.inFlight === 0) this.totalMs += performance.now() - this.since;
    }
  }
}
