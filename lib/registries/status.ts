// What a registry's status means right now, in one place: the list, the
// registry page's header and the API read it from here. Pure (runs anywhere);
// the stored fields are written by the Test (lib/registry-test/service.ts)
// and by edits (lib/registries/service.ts).
//
// - "never": never tested since it was added;
// - "changed": an edit changed how the portal authenticates (hostname, auth
//   type, role, credentials) and no test ran since;
// - "verified": the last test passed, within the re-test interval;
// - "stale": the last test passed, but longer ago than the re-test interval
//   (the scheduled re-test is late, disabled, or the registry was not re-tested);
// - "incomplete": the last test failed and the registry never passed: its
//   setup is simply not finished yet, which is not an alarm (neutral);
// - "failing": the last test failed after the registry had passed once;
//   `since` is the first failure of the streak, `reason` what the test said,
//   `workedUntil` the last pass;
// - "unsafe": works, but the role also trusts other teams' tokens.

export const REGISTRY_STATUS_KINDS = ["never", "changed", "incomplete", "verified", "stale", "failing", "unsafe"] as const;
export type RegistryStatusKind = (typeof REGISTRY_STATUS_KINDS)[number];

export const REGISTRY_STATUS_LABEL: Record<RegistryStatusKind, string> = {
  never: "Never tested",
  changed: "Not tested since change",
  incomplete: "Setup incomplete",
  verified: "Verified",
  stale: "Stale",
  failing: "Failing",
  unsafe: "Unsafe",
};

export type RegistryStatusTone = "success" | "danger" | "warning" | "neutral";

export interface RegistryStatusFields {
  testStatus: string;
  lastTestedAt: Date | null;
  verifiedAt: Date | null;
  failingSince: Date | null;
  lastTestError: string | null;
  connectionChangedAt: Date | null;
}

export interface RegistryStatusView {
  kind: RegistryStatusKind;
  label: string;
  tone: RegistryStatusTone;
  /** The time the status is about: verified at, failing since, changed at, last tested. */
  since: Date | null;
  /** Words before `since`, e.g. "verified", "failing since", "changed". */
  sinceLabel: string | null;
  /** What the last test said, for failing and unsafe registries. */
  reason: string | null;
  /** A failing registry that passed before: when it last passed. */
  workedUntil: Date | null;
  /** When the last test ran, whatever its outcome. */
  lastTestedAt: Date | null;
  /** One sentence for screen readers, titles and the API. */
  explanation: string;
}

export interface StatusOptions {
  now: Date;
  /** A passed test older than this is "stale" (REGISTRY_RETEST_INTERVAL_HOURS). */
  staleAfterMs: number;
}

const TONE: Record<RegistryStatusKind, RegistryStatusTone> = { never: "neutral", changed: "warning", incomplete: "neutral", verified: "success", stale: "warning", failing: "danger", unsafe: "warning" };

function base(kind: RegistryStatusKind, registry: RegistryStatusFields) {
  return { kind, label: REGISTRY_STATUS_LABEL[kind], tone: TONE[kind], lastTestedAt: registry.lastTestedAt, reason: null, workedUntil: null } as const;
}

export function registryStatusView(registry: RegistryStatusFields, options: StatusOptions): RegistryStatusView {
  switch (registry.testStatus) {
    case "verified": {
      const verifiedAt = registry.verifiedAt ?? registry.lastTestedAt;
      const tested = registry.lastTestedAt ?? verifiedAt;
      const stale = !tested || options.now.getTime() - tested.getTime() > options.staleAfterMs;
      if (stale) {
        return {
          ...base("stale", registry),
          since: tested,
          sinceLabel: "last verified",
          explanation: `Last verified more than ${describeDuration(options.staleAfterMs)} ago; run the Test again to know it still works.`,
        };
      }
      return { ...base("verified", registry), since: verifiedAt, sinceLabel: "verified", explanation: "The last test passed." };
    }
    case "failing": {
      const workedUntil = registry.verifiedAt;
      if (!workedUntil) {
        return {
          ...base("incomplete", registry),
          since: registry.lastTestedAt,
          sinceLabel: "last tested",
          reason: registry.lastTestError,
          explanation: `Not working yet: the setup is not finished${registry.lastTestError ? ` (${registry.lastTestError})` : ""}. Finish the setup, then run the Test again.`,
        };
      }
      return {
        ...base("failing", registry),
        since: registry.failingSince,
        sinceLabel: "failing since",
        reason: registry.lastTestError,
        workedUntil,
        explanation: `Stopped working: the last test failed${registry.lastTestError ? `: ${registry.lastTestError}` : "."}`,
      };
    }
    case "unsafe":
      return {
        ...base("unsafe", registry),
        since: registry.lastTestedAt,
        sinceLabel: "tested",
        reason: registry.lastTestError,
        explanation: `Works, but is unsafe${registry.lastTestError ? `: ${registry.lastTestError}` : "."}`,
      };
    default:
      if (registry.connectionChangedAt) {
        return {
          ...base("changed", registry),
          since: registry.connectionChangedAt,
          sinceLabel: "changed",
          explanation: "How the portal signs in to this registry changed, and it has not been tested since. Run the Test.",
        };
      }
      return { ...base("never", registry), since: null, sinceLabel: null, explanation: "Not tested yet. Run the Test to check the portal can pull from it." };
  }
}

function describeDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48 && Number.isInteger(hours / 24)) return `${hours / 24} days`;
  return hours === 1 ? "1 hour" : `${Number.isInteger(hours) ? hours : hours.toFixed(1)} hours`;
}
