import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import type { RegistryStatusView } from "@/lib/registries/status";

/**
 * The registry's status (lib/registries/status.ts) as a badge with when, and
 * for a failing or unsafe registry why; a registry that stopped working also
 * says until when it worked.
 */
export function RegistryStatus({
  registry,
  detailed = false,
  withError = true,
}: {
  registry: { status: RegistryStatusView };
  detailed?: boolean;
  /** false where the Test panel already shows the failure. */
  withError?: boolean;
}) {
  const { status } = registry;
  const reason = withError ? status.reason : null;
  return (
    <div className="min-w-0 space-y-1" data-testid="registry-status" data-status={status.kind}>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        <Badge tone={status.tone} className="whitespace-nowrap">
          {status.label}
        </Badge>
        {status.since && status.sinceLabel && (
          <span>
            {status.sinceLabel} <LocalTime value={status.since.toISOString()} />
          </span>
        )}
      </div>
      {reason && (
        <p className={detailed ? "text-sm text-red-700 dark:text-red-300" : "line-clamp-2 max-w-md text-xs text-red-700 dark:text-red-300"} title={detailed ? undefined : reason}>
          {reason}
        </p>
      )}
      {status.workedUntil && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Last worked <LocalTime value={status.workedUntil.toISOString()} />
        </p>
      )}
      {detailed && (status.kind === "stale" || status.kind === "changed") && <p className="text-sm text-zinc-600 dark:text-zinc-400">{status.explanation}</p>}
    </div>
  );
}
