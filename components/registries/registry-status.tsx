import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import type { RegistryView } from "@/lib/registries/service";

type StatusFields = Pick<RegistryView, "testStatus" | "lastTestedAt" | "verifiedAt" | "failingSince" | "lastTestError">;

/** The registry's last test result as a badge with when, and for failures what went wrong. */
export function RegistryStatus({ registry, detailed = false, withError = true }: { registry: StatusFields; detailed?: boolean; /** false where the Test panel already shows the failure. */ withError?: boolean }) {
  const error = withError ? registry.lastTestError : null;
  switch (registry.testStatus) {
    case "verified":
      return (
        <StatusLine badge={<Badge tone="success" className="whitespace-nowrap">Verified</Badge>}>
          {registry.verifiedAt && <LocalTime value={registry.verifiedAt.toISOString()} />}
        </StatusLine>
      );
    case "failing":
      return (
        <StatusLine badge={<Badge tone="danger" className="whitespace-nowrap">Failing</Badge>} error={error} detailed={detailed}>
          {registry.failingSince && (
            <>
              since <LocalTime value={registry.failingSince.toISOString()} />
            </>
          )}
        </StatusLine>
      );
    case "unsafe":
      return (
        <StatusLine badge={<Badge tone="warning" className="whitespace-nowrap">Unsafe</Badge>} error={error} detailed={detailed}>
          {registry.lastTestedAt && (
            <>
              tested <LocalTime value={registry.lastTestedAt.toISOString()} />
            </>
          )}
        </StatusLine>
      );
    default:
      return <StatusLine badge={<Badge className="whitespace-nowrap">Never tested</Badge>} />;
  }
}

function StatusLine({ badge, children, error, detailed }: { badge: ReactNode; children?: ReactNode; error?: string | null; detailed?: boolean }) {
  return (
    <div className="min-w-0 space-y-1">
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
        {badge}
        {children && <span>{children}</span>}
      </div>
      {error && (
        <p className={detailed ? "text-sm text-red-700 dark:text-red-300" : "line-clamp-2 max-w-md text-xs text-red-700 dark:text-red-300"} title={detailed ? undefined : error}>
          {error}
        </p>
      )}
    </div>
  );
}
