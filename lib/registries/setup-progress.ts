// How far a registry's setup has got, as its last Test proved it: the
// progress header on the registry's Setup tab ("1 Register the portal in AWS ·
// 2 Create the role · 3 Allow pulls · 4 Test"). Pure: derived from the stored
// result, so it ticks as Tests prove each step and never claims more.
import type { RegistryTestResult, StepId } from "@/lib/registry-test/steps";

export interface SetupProgressStep {
  label: string;
  done: boolean;
}

/** The steps a Test proves for each kind of setup, and which passed Test step proves each. */
const IAM_ROLE_STEPS: { label: string; provedBy: StepId[] }[] = [
  { label: "Register the portal in AWS", provedBy: ["assume-role"] },
  { label: "Create the role", provedBy: ["assume-role"] },
  { label: "Allow pulls", provedBy: ["ecr-token", "registry-login"] },
];

const CREDENTIAL_STEPS: { label: string; provedBy: StepId[] }[] = [{ label: "Create the credential", provedBy: ["caller-identity", "credential-exchange", "registry-login"] }];

export function setupProgress(authType: string, result: RegistryTestResult | null): SetupProgressStep[] {
  const passed = new Set(result?.steps.filter((step) => step.status === "passed").map((step) => step.id) ?? []);
  const steps = authType === "iam_role" ? IAM_ROLE_STEPS : CREDENTIAL_STEPS;
  return [...steps.map((step) => ({ label: step.label, done: step.provedBy.some((id) => passed.has(id)) })), { label: "Test", done: result?.verdict === "verified" }];
}
