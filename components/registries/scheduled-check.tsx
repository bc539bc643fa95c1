import { LocalTime } from "@/components/ui/local-time";
import type { NextRetest } from "@/lib/registries/retest-scheduler";
import type { RegistryTestResult } from "@/lib/registry-test/steps";

const VERDICT: Record<RegistryTestResult["verdict"], string> = { verified: "passed", failing: "failed", unsafe: "found it unsafe" };

/** The last check's finding and when the next scheduled one is due, above the Test panel. */
export function ScheduledCheck({ lastResult, next }: { lastResult: RegistryTestResult | null; next: NextRetest }) {
  return (
    <dl className="mb-4 grid gap-3 text-sm sm:grid-cols-2" data-testid="scheduled-check">
      <div>
        <dt className="text-zinc-500 dark:text-zinc-400">Last check</dt>
        <dd className="mt-1">
          {lastResult ? (
            <>
              <LocalTime value={lastResult.startedAt} />: {VERDICT[lastResult.verdict]} (the steps are below).
            </>
          ) : (
            "None yet."
          )}
        </dd>
      </div>
      <div>
        <dt className="text-zinc-500 dark:text-zinc-400">Next scheduled check</dt>
        <dd className="mt-1">
          {next.kind === "due_by" ? (
            <>
              By <LocalTime value={next.at.toISOString()} />
            </>
          ) : next.kind === "due_now" ? (
            "Due now: it runs within a few minutes."
          ) : (
            next.reason
          )}
        </dd>
      </div>
    </dl>
  );
}
