"use client";
// The Test button and its live, step-by-step result. Reads the NDJSON stream
// of /api/registries/<id>/test; shows the last persisted result until then.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { readRegistryTestEvents, startRegistryTest } from "@/components/registries/registry-test-stream";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClassName } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { TextField } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { Spinner } from "@/components/ui/spinner";
import { imageReferenceNote, ZRegistryTestInput } from "@/lib/registry-test/schema";
import { formatDuration } from "@/lib/time/format";
import type { RegistryTestResult, SetupStepRef, StepResult, StepStatus } from "@/lib/registry-test/steps";

export interface SetupStepLink {
  id: SetupStepRef;
  /** e.g. "Step 5: Apply the trust policy". */
  label: string;
}

export interface RegistryTestPanelProps {
  registryId: string;
  canTest: boolean;
  lastResult: RegistryTestResult | null;
  /** The registry page's numbered setup steps, so a failure can point at one. */
  setupSteps: SetupStepLink[];
}

const OTHER_STEP_LABELS: Record<SetupStepRef, string> = {
  provider: "the OpenID Connect provider in AWS (setup step 1)",
  role: "the IAM role (setup step 2)",
  permissions: "the permissions policy on this page",
  "repository-policy": "the repository policy on this page",
  "trust-policy": "the role's trust policy (setup step 2)",
  registry: "the registry hostname",
  "access-key": "the access key",
  credential: "the registry's credentials (see the setup guide)",
  image: "the image you entered",
  portal: "the portal's configuration (its operator)",
  network: "the network between the portal and AWS",
};

export function RegistryTestPanel({ registryId, canTest, lastResult, setupSteps }: RegistryTestPanelProps) {
  const [image, setImage] = useState("");
  const [imageError, setImageError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [running, setRunning] = useState(false);
  const [steps, setSteps] = useState<StepResult[] | null>(null);
  const [result, setResult] = useState<RegistryTestResult | null>(lastResult);
  const [fresh, setFresh] = useState(false);
  // The stored result can change under the panel: an edit of the connection
  // clears it (the page re-renders with none), another tab's Test replaces it.
  const [storedStartedAt, setStoredStartedAt] = useState(lastResult?.startedAt ?? null);
  const latestStartedAt = lastResult?.startedAt ?? null;
  if (latestStartedAt !== storedStartedAt) {
    setStoredStartedAt(latestStartedAt);
    if (!running && (!lastResult || !result || lastResult.startedAt > result.startedAt)) {
      setResult(lastResult);
      setSteps(null);
      setFresh(false);
    }
  }
  const router = useRouter();
  // Focus follows the test: to the progress line while it runs (the button is
  // disabled then), to the verdict when it ends; never lost to <body>.
  const progressRef = useRef<HTMLParagraphElement>(null);
  const verdictRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!fresh || running || !result) return;
    verdictRef.current?.scrollIntoView({ block: "center", behavior: "smooth" });
    verdictRef.current?.focus({ preventScroll: true });
  }, [fresh, running, result]);

  async function runTest() {
    setFormError(undefined);
    const parsed = ZRegistryTestInput.safeParse({ image: image || undefined });
    if (!parsed.success) {
      setImageError(parsed.error.issues[0]?.message);
      return;
    }
    setImageError(undefined);
    setRunning(true);
    setSteps([]);
    setResult(null);
    setFresh(true);
    requestAnimationFrame(() => progressRef.current?.focus());
    try {
      const started = await startRegistryTest(registryId, parsed.data);
      if (!started.ok) {
        if (started.fieldErrors?.image) setImageError(started.fieldErrors.image);
        setFormError(started.message);
        setSteps(null);
        return;
      }
      await readRegistryTestEvents(started.body, (event) => {
        if (event.type === "step") setSteps((current) => upsertStep(current ?? [], event.step));
        else if (event.type === "result") {
          setResult(event.result);
          // The status badge and the list are server-rendered from the stored result.
          router.refresh();
        }
        else setFormError(event.message);
      });
    } catch {
      setFormError("The connection to the portal was lost during the test. Reload the page to see the recorded result.");
    } finally {
      setRunning(false);
    }
  }

  const shownSteps = running || !result ? (steps ?? []) : result.steps;
  return (
    <div className="space-y-4 [overflow-wrap:anywhere]">
      {canTest ? (
        <form
          noValidate
          className="flex flex-col gap-3 sm:flex-row sm:items-start"
          onSubmit={(event) => {
            event.preventDefault();
            void runTest();
          }}
        >
          <TextField
            label="Image to check (optional)"
            hint={imageReferenceNote(image) ?? "repository:tag or repository@sha256:…, e.g. my-app/api:1.4.2 (no tag means latest)"}
            placeholder="my-app/api:1.4.2"
            value={image}
            onChange={(event) => setImage(event.target.value)}
            error={imageError}
            fieldClassName="flex-1 min-w-0"
            autoComplete="off"
            spellCheck={false}
          />
          <Button type="submit" pending={running} className="sm:mt-7">
            {running ? "Testing…" : result ? "Test again" : "Test"}
          </Button>
        </form>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">Viewers can see the last result; members and admins can run the test.</p>
      )}
      {running && (
        <p ref={progressRef} tabIndex={-1} className="text-sm text-zinc-700 outline-none dark:text-zinc-300">
          Testing… {(steps ?? []).filter((step) => step.status !== "pending" && step.status !== "running").length} step(s) done
        </p>
      )}
      {formError && <Alert tone="error">{formError}</Alert>}
      {result && <VerdictBanner ref={verdictRef} result={result} fresh={fresh} setupSteps={setupSteps} />}
      {shownSteps.length > 0 && (
        <ol aria-label="Test steps" aria-live="polite" className="divide-y divide-zinc-200 rounded-md border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {shownSteps.map((step) => (
            <StepRow key={step.id} step={step} setupSteps={setupSteps} explainedAbove={result?.verdict === "failing" && step.id === firstDiagnosedStep(result)?.id} />
          ))}
        </ol>
      )}
      {result?.sentClaims && result.verdict !== "verified" && (
        <details className="text-sm">
          <summary className="cursor-pointer text-zinc-700 dark:text-zinc-300">What the portal sent to AWS</summary>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 font-mono text-xs break-all">
            <dt className="text-zinc-500">iss</dt>
            <dd>{result.sentClaims.iss}</dd>
            <dt className="text-zinc-500">aud</dt>
            <dd>{result.sentClaims.aud}</dd>
            <dt className="text-zinc-500">sub</dt>
            <dd>{result.sentClaims.sub}</dd>
          </dl>
        </details>
      )}
    </div>
  );
}

function VerdictBanner({ result, fresh, setupSteps, ref }: { result: RegistryTestResult; fresh: boolean; setupSteps: SetupStepLink[]; ref: React.Ref<HTMLDivElement> }) {
  const tone = result.verdict === "verified" ? "success" : result.verdict === "unsafe" ? "warning" : "error";
  const title = result.verdict === "verified" ? "Verified" : result.verdict === "unsafe" ? "Unsafe" : "Failed";
  // A failure says what and how once, at the top: the diagnosis's cause and
  // the setup step that fixes it; its step row below keeps the detail and the
  // cloud's own error.
  const failed = result.verdict === "failing" ? firstDiagnosedStep(result) : undefined;
  const fixLink = failed?.diagnosis ? setupLinkFor(failed.diagnosis.setupStep, setupSteps) : undefined;
  return (
    <div ref={ref} tabIndex={-1} data-testid="registry-test-verdict" data-verdict={result.verdict} className="scroll-mt-24 rounded-md outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
      <Alert tone={tone} title={title}>
        {failed?.diagnosis ? (
          <>
            <p>
              <span className="font-medium">{failed.diagnosis.summary}</span> <span className="opacity-80">(at &ldquo;{failed.title}&rdquo;)</span>
            </p>
            <p className="mt-1">
              <span className="font-medium">Fix: </span>
              {failed.diagnosis.fix}
            </p>
            {fixLink && (
              <p className="mt-2">
                {/* A plain link: the tabs open the Setup panel on hashchange, which client-side navigation would not fire. */}
                <a href={`#setup-step-${fixLink.id}`} className={buttonClassName({ variant: "secondary" })} data-testid="verdict-fix-link">
                  Go to {fixLink.label}
                </a>
              </p>
            )}
          </>
        ) : (
          <p>{result.headline}</p>
        )}
        <p className="mt-1 text-xs opacity-80">
          {fresh ? "Just now" : <>Last tested <LocalTime value={result.startedAt} /></>} · took {formatDuration(result.durationMs)}
        </p>
      </Alert>
    </div>
  );
}

/** The failed step whose cause and fix the banner shows. */
function firstDiagnosedStep(result: RegistryTestResult): StepResult | undefined {
  return result.steps.find((step) => step.diagnosis);
}

/** The registry page's setup step a diagnosis points at (the role is created with its trust policy in one step). */
function setupLinkFor(setupStep: SetupStepRef | null, setupSteps: SetupStepLink[]): SetupStepLink | undefined {
  const target = setupStep === "trust-policy" ? "role" : setupStep;
  return target ? setupSteps.find((s) => s.id === target) : undefined;
}

const STATUS_TEXT: Record<StepStatus, string> = { pending: "Pending", running: "Running", passed: "Passed", failed: "Failed", skipped: "Skipped" };

/** `explainedAbove`: the banner already says what failed and how to fix it; the row keeps the detail and the cloud's own error. */
function StepRow({ step, setupSteps, explainedAbove }: { step: StepResult; setupSteps: SetupStepLink[]; explainedAbove: boolean }) {
  const diagnosis = step.diagnosis;
  const setupLink = diagnosis ? setupLinkFor(diagnosis.setupStep, setupSteps) : undefined;
  return (
    <li className="px-4 py-3 text-sm" data-step={step.id} data-status={step.status}>
      <div className="flex items-start gap-3">
        <StatusIcon status={step.status} />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline justify-between gap-x-3">
            <p className="font-medium text-zinc-900 dark:text-zinc-100">
              {step.title}
              {step.api && <span className="ml-2 font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">{step.api}</span>}
            </p>
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              <span className="sr-only">Status: </span>
              {STATUS_TEXT[step.status]}
              {step.durationMs !== undefined && ` · ${formatDuration(step.durationMs)}`}
            </p>
          </div>
          {step.detail && (
            <p className="mt-0.5 break-words text-zinc-600 dark:text-zinc-400">
              {step.detail}
              {step.detailTime && (
                <>
                  {" "}
                  <LocalTime value={step.detailTime} />
                </>
              )}
            </p>
          )}
          {step.requestId && <p className="mt-0.5 font-mono text-xs text-zinc-500 dark:text-zinc-400">Request ID {step.requestId}</p>}
          {diagnosis && (
            <div className="mt-2 space-y-1.5 rounded-md bg-red-50 px-3 py-2 text-red-950 dark:bg-red-950/50 dark:text-red-50">
              {!explainedAbove && (
                <>
                  <p className="font-medium">{diagnosis.summary}</p>
                  <p>
                    <span className="font-medium">Fix: </span>
                    {diagnosis.fix}
                  </p>
                </>
              )}
              {diagnosis.setupStep && (
                <p className="text-xs">
                  Points at:{" "}
                  {setupLink ? (
                    <a className="underline" href={`#setup-step-${setupLink.id}`}>
                      {setupLink.label}
                    </a>
                  ) : (
                    OTHER_STEP_LABELS[diagnosis.setupStep]
                  )}
                </p>
              )}
              {diagnosis.snippet && (
                <div className="flex items-start gap-2">
                  {/* Focusable, so a snippet wider than a phone scrolls by keyboard too. */}
                  <pre tabIndex={0} aria-label="The fix to copy" className="min-w-0 flex-1 overflow-x-auto rounded bg-white/70 p-2 font-mono text-xs dark:bg-black/30">
                    {diagnosis.snippet}
                  </pre>
                  <CopyButton value={diagnosis.snippet} label="Copy fix" />
                </div>
              )}
              {diagnosis.awsCode && (
                <p className="font-mono text-xs break-words opacity-80">
                  {diagnosis.awsCode}
                  {diagnosis.awsMessage ? `: ${diagnosis.awsMessage}` : ""}
                </p>
              )}
            </div>
          )}
        </div>
      </div>
    </li>
  );
}

function StatusIcon({ status }: { status: StepStatus }) {
  if (status === "running") return <Spinner />;
  const symbol = { pending: "○", passed: "✓", failed: "✕", skipped: "–" }[status];
  const color = { pending: "text-zinc-400", passed: "text-emerald-600 dark:text-emerald-400", failed: "text-red-600 dark:text-red-400", skipped: "text-zinc-400" }[status];
  return (
    <span aria-hidden="true" className={`w-4 shrink-0 text-center font-bold ${color}`}>
      {symbol}
    </span>
  );
}

function upsertStep(steps: StepResult[], step: StepResult): StepResult[] {
  const index = steps.findIndex((s) => s.id === step.id);
  if (index === -1) return [...steps, step];
  const next = steps.slice();
  next[index] = step;
  return next;
}
