"use client";
// The Test action of a row of the registries list: runs the same streamed
// test as the registry page (registry-test-stream.ts), says how far it got,
// then the verdict; the row's status badge refreshes from the stored result.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { readRegistryTestEvents, startRegistryTest } from "@/components/registries/registry-test-stream";
import { Button } from "@/components/ui/button";
import type { RegistryTestResult } from "@/lib/registry-test/steps";

type State = { kind: "idle" } | { kind: "running"; step: string | null } | { kind: "done"; result: RegistryTestResult } | { kind: "refused"; message: string };

export function RegistryRowTest({ registryId, label, href }: { registryId: string; label: string; href: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const router = useRouter();

  async function run() {
    setState({ kind: "running", step: null });
    try {
      const started = await startRegistryTest(registryId, {});
      if (!started.ok) return setState({ kind: "refused", message: started.message });
      let finished = false;
      await readRegistryTestEvents(started.body, (event) => {
        if (event.type === "step") setState({ kind: "running", step: event.step.title });
        else if (event.type === "result") {
          finished = true;
          setState({ kind: "done", result: event.result });
          router.refresh();
        } else setState({ kind: "refused", message: event.message });
      });
      if (!finished) setState((current) => (current.kind === "running" ? { kind: "refused", message: "The test ended without a result. Open the registry to see the recorded one." } : current));
    } catch {
      setState({ kind: "refused", message: "The connection to the portal was lost during the test. Reload to see the recorded result." });
    }
  }

  return (
    <div className="flex min-w-0 flex-col items-start gap-1">
      <Button size="sm" variant="secondary" pending={state.kind === "running"} onClick={() => void run()} aria-label={`Test ${label}`}>
        {state.kind === "running" ? "Testing…" : "Test"}
      </Button>
      <p aria-live="polite" className="max-w-56 text-xs text-zinc-600 dark:text-zinc-400" data-testid="row-test-outcome" data-verdict={state.kind === "done" ? state.result.verdict : undefined}>
        {state.kind === "running" && (state.step ?? "Starting…")}
        {state.kind === "refused" && <span className="text-red-700 dark:text-red-300">{state.message}</span>}
        {state.kind === "done" &&
          (state.result.verdict === "verified" ? (
            <span className="text-emerald-700 dark:text-emerald-300">Passed</span>
          ) : (
            <>
              <span className="text-red-700 dark:text-red-300">{state.result.verdict === "unsafe" ? "Unsafe" : "Failed"}: </span>
              {state.result.headline}{" "}
              <Link href={href} className="underline">
                See the steps
              </Link>
            </>
          ))}
      </p>
    </div>
  );
}
