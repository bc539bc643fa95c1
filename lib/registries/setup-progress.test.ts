import { describe, expect, it } from "vitest";
import { setupProgress } from "@/lib/registries/setup-progress";
import type { RegistryTestResult, StepId } from "@/lib/registry-test/steps";

function result(verdict: RegistryTestResult["verdict"], passed: StepId[], failed?: StepId): RegistryTestResult {
  const steps = [...passed.map((id) => ({ id, title: id, status: "passed" as const })), ...(failed ? [{ id: failed, title: failed, status: "failed" as const }] : [])];
  return { verdict, headline: "", startedAt: new Date(0).toISOString(), durationMs: 1, steps };
}

describe("setupProgress", () => {
  it("ticks nothing before the first Test", () => {
    expect(setupProgress("iam_role", null).map((step) => step.done)).toEqual([false, false, false, false]);
  });

  it("ticks the provider and the role once AWS let the portal assume it, and pulls once ECR gave a token", () => {
    expect(setupProgress("iam_role", result("failing", ["sign-token"], "assume-role")).map((step) => step.done)).toEqual([false, false, false, false]);
    expect(setupProgress("iam_role", result("failing", ["sign-token", "assume-role", "negative-check"], "ecr-token")).map((step) => step.done)).toEqual([true, true, false, false]);
    expect(setupProgress("iam_role", result("verified", ["sign-token", "assume-role", "negative-check", "ecr-token", "registry-login"])).map((step) => step.done)).toEqual([true, true, true, true]);
  });

  it("names the steps of a stored credential's setup", () => {
    const steps = setupProgress("basic", result("failing", ["registry-login"], "manifest"));
    expect(steps).toEqual([
      { label: "Create the credential", done: true },
      { label: "Test", done: false },
    ]);
  });
});
