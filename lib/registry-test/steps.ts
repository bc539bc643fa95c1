// The shape of a registry test as the browser sees it: steps that move from
// pending to a final state, then a verdict. Nothing here ever holds a token,
// a secret or temporary credentials.
import type { SetupStep } from "@/lib/aws/setup-commands";

export type StepId = "sign-token" | "caller-identity" | "assume-role" | "negative-check" | "ecr-token" | "credential-exchange" | "registry-login" | "registry-token" | "manifest";

export type StepStatus = "pending" | "running" | "passed" | "failed" | "skipped";

/** Which setup step a failure points at; "portal" is the portal's own configuration. */
export type SetupStepRef = SetupStep["id"] | "registry" | "access-key" | "credential" | "image" | "portal" | "network";

export interface Diagnosis {
  /** One line saying what is wrong. */
  summary: string;
  /** What to change, in the vendor's words. */
  fix: string;
  setupStep: SetupStepRef | null;
  /** JSON or values to copy (e.g. the condition block to add). */
  snippet?: string;
  /** The error exactly as AWS, the registry or its token server returned it. */
  awsCode?: string;
  awsMessage?: string;
}

export interface StepResult {
  id: StepId;
  title: string;
  /** The API call behind the step (STS AssumeRoleWithWebIdentity, GET /v2/), secondary to the title. */
  api?: string;
  status: StepStatus;
  /** What the step found, e.g. the caller's ARN or the manifest digest. */
  detail?: string;
  /** A time that completes the detail (ISO 8601), shown in the reader's time zone. */
  detailTime?: string;
  durationMs?: number;
  requestId?: string;
  diagnosis?: Diagnosis;
}

export type Verdict = "verified" | "failing" | "unsafe";

export interface RegistryTestResult {
  verdict: Verdict;
  headline: string;
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
  /** The claims the portal sent to AWS (no signature), shown when AWS refuses them. */
  sentClaims?: { iss: string; aud: string; sub: string };
}

export type RegistryTestEvent = { type: "step"; step: StepResult } | { type: "result"; result: RegistryTestResult } | { type: "error"; message: string; status?: number };

/** What each step does, in the vendor's words; the API it calls is secondary (STEP_API_CALLS). */
export const STEP_TITLES: Record<StepId, string> = {
  "sign-token": "Sign a web identity token for your team",
  "caller-identity": "Check the access key",
  "assume-role": "Get temporary AWS credentials for the role",
  "negative-check": "Check the role refuses other teams' tokens",
  "ecr-token": "Get a registry login from ECR",
  "credential-exchange": "Exchange the service principal's secret for a registry token",
  "registry-login": "Log in to the registry",
  "registry-token": "Get a pull token for the repository",
  manifest: "Find the image",
};

/** The call behind each step, shown under its title for those who read the cloud's logs. */
export const STEP_API_CALLS: Partial<Record<StepId, string>> = {
  "caller-identity": "STS GetCallerIdentity",
  "assume-role": "STS AssumeRoleWithWebIdentity",
  "negative-check": "STS AssumeRoleWithWebIdentity with another subject",
  "ecr-token": "ECR GetAuthorizationToken",
  "credential-exchange": "Entra ID token, then the registry's /oauth2/exchange",
  "registry-login": "GET /v2/",
  "registry-token": "GET the token server's realm",
  manifest: "HEAD /v2/<repository>/manifests/<reference>",
};

/** `{ api }` for a step that calls an API the vendor may look up in the cloud's logs, else nothing. */
export function apiCallOf(id: StepId): { api?: string } {
  const api = STEP_API_CALLS[id];
  return api ? { api } : {};
}
