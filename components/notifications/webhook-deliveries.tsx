import { ResendDeliveryButton } from "@/components/notifications/webhook-endpoint-actions";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import type { WebhookDeliveryView } from "@/lib/notifications/webhook-endpoints";

const STATUS: Record<WebhookDeliveryView["status"], { label: string; tone: BadgeTone }> = {
  pending: { label: "Retrying", tone: "warning" },
  succeeded: { label: "Delivered", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
};

/** An endpoint's deliveries, each with its attempts (request and the answer's first KiB) behind a disclosure. */
export function WebhookDeliveries({ endpointId, deliveries, canResend }: { endpointId: string; deliveries: WebhookDeliveryView[]; canResend: boolean }) {
  return (
    <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Deliveries">
      {deliveries.map((delivery) => {
        const last = delivery.attempts[0];
        const status = delivery.attemptCount === 0 && delivery.status === "pending" ? { label: "Queued", tone: "info" as const } : STATUS[delivery.status];
        return (
          <li key={delivery.id} className="px-4 py-3 sm:px-5" data-testid="webhook-delivery">
            <div className="flex flex-wrap items-center gap-3">
              <code className="font-mono text-sm">{delivery.eventType}</code>
              <Badge tone={status.tone}>{status.label}</Badge>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                <LocalTime value={delivery.createdAt.toISOString()} /> · {delivery.attemptCount} attempt{delivery.attemptCount === 1 ? "" : "s"}
                {last ? ` · last: ${last.responseStatus ?? "no answer"} in ${last.durationMs} ms` : ""}
                {delivery.status === "pending" && delivery.nextAttemptAt && delivery.attemptCount > 0 ? (
                  <>
                    {" "}
                    · next try <LocalTime value={delivery.nextAttemptAt.toISOString()} />
                  </>
                ) : null}
              </span>
              {canResend && (
                <span className="ml-auto">
                  <ResendDeliveryButton endpointId={endpointId} deliveryId={delivery.id} eventType={delivery.eventType} />
                </span>
              )}
            </div>
            {delivery.attempts.length > 0 && (
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer text-indigo-700 dark:text-indigo-300">Attempts, request and answer</summary>
                <ol className="mt-2 space-y-3">
                  {delivery.attempts.map((attempt) => (
                    <li key={attempt.id} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
                      <p className="font-medium">
                        <LocalTime value={attempt.startedAt.toISOString()} /> · {attempt.responseStatus !== null ? `HTTP ${attempt.responseStatus}` : "No answer"} · {attempt.durationMs} ms
                      </p>
                      {attempt.error && <p className="text-red-700 dark:text-red-300">{attempt.error}</p>}
                      <p className="mt-2 text-xs font-semibold text-zinc-500 uppercase">Request headers</p>
                      <pre className="overflow-x-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950">
                        {Object.entries(attempt.requestHeaders)
                          .map(([name, value]) => `${name}: ${value}`)
                          .join("\n")}
                      </pre>
                      <p className="mt-2 text-xs font-semibold text-zinc-500 uppercase">Request body</p>
                      <pre className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950">{prettyJson(attempt.requestBody)}</pre>
                      <p className="mt-2 text-xs font-semibold text-zinc-500 uppercase">Answer (first KiB)</p>
                      <pre className="max-h-40 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs dark:bg-zinc-950">{attempt.responseBody || "(empty)"}</pre>
                    </li>
                  ))}
                </ol>
              </details>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
