import { describe, expect, it } from "vitest";
import { registryStatusView, type RegistryStatusFields } from "@/lib/registries/status";

const HOUR = 3_600_000;
const now = new Date("2026-11-25T12:00:00Z");
const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);
const options = { now, staleAfterMs: 24 * HOUR };
const untested: RegistryStatusFields = { testStatus: "never", lastTestedAt: null, verifiedAt: null, failingSince: null, lastTestError: null, connectionChangedAt: null };

describe("registryStatusView", () => {
  it("says never tested for a registry no test has run on", () => {
    expect(registryStatusView(untested, options)).toMatchObject({ kind: "never", label: "Never tested", since: null });
  });

  it("says not tested since change once an edit changed how the portal authenticates", () => {
    const view = registryStatusView({ ...untested, connectionChangedAt: ago(1) }, options);
    expect(view).toMatchObject({ kind: "changed", label: "Not tested since change", tone: "warning", since: ago(1) });
  });

  it("is verified while the last passed test is within the interval", () => {
    const view = registryStatusView({ ...untested, testStatus: "verified", lastTestedAt: ago(23), verifiedAt: ago(23) }, options);
    expect(view).toMatchObject({ kind: "verified", tone: "success", since: ago(23) });
  });

  it("is stale once the last passed test is older than the interval", () => {
    const view = registryStatusView({ ...untested, testStatus: "verified", lastTestedAt: ago(25), verifiedAt: ago(25) }, options);
    expect(view).toMatchObject({ kind: "stale", label: "Stale", since: ago(25) });
    expect(view.explanation).toContain("24 hours");
  });

  it("says when and why a registry that worked stopped working", () => {
    const view = registryStatusView({ ...untested, testStatus: "failing", lastTestedAt: ago(1), verifiedAt: ago(25), failingSince: ago(2), lastTestError: "AccessDenied on sts:AssumeRoleWithWebIdentity" }, options);
    expect(view).toMatchObject({ kind: "failing", since: ago(2), sinceLabel: "failing since", workedUntil: ago(25), reason: "AccessDenied on sts:AssumeRoleWithWebIdentity" });
    expect(view.explanation).toMatch(/^Stopped working/);
  });

  it("calls a registry that never worked one whose setup is incomplete, not a failing one", () => {
    const view = registryStatusView({ ...untested, testStatus: "failing", lastTestedAt: ago(1), failingSince: ago(1), lastTestError: "No such role" }, options);
    expect(view).toMatchObject({ kind: "incomplete", label: "Setup incomplete", tone: "neutral", since: ago(1), reason: "No such role", workedUntil: null });
    expect(view.explanation).not.toMatch(/Stopped/);
    expect(view.explanation).toContain("Finish the setup");
  });
});
