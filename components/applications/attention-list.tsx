import Link from "next/link";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { AttentionItem } from "@/lib/applications/attention";

const REGISTRY_PROBLEM: Record<"failing" | "unsafe" | "stale", { label: string; tone: BadgeTone; sinceLabel: string }> = {
  failing: { label: "Failing", tone: "danger", sinceLabel: "since" },
  unsafe: { label: "Unsafe", tone: "danger", sinceLabel: "since" },
  stale: { label: "Stale", tone: "warning", sinceLabel: "last tested" },
};

/** What needs doing in this application now; nothing is rendered when nothing does. */
export function AttentionList({ appSlug, items }: { appSlug: string; items: AttentionItem[] }) {
  if (items.length === 0) return null;
  const link = "font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300";
  return (
    <Card title="Attention" description="What needs doing in this application now. The same events can reach you by email and webhook (Team → Notifications, Team → Webhooks).">
      <ul className="space-y-3 text-sm" aria-label="Needs attention">
        {items.map((item) => (
          <li key={`${item.kind}:${item.id}`} className="flex flex-wrap items-baseline gap-2">
            {item.kind === "registry" && (
              <>
                <Badge tone={REGISTRY_PROBLEM[item.problem].tone}>{REGISTRY_PROBLEM[item.problem].label}</Badge>
                <Link href={`/apps/${appSlug}/registries/${item.id}`} className={link}>
                  Registry {item.label}
                </Link>
                {item.since && (
                  <span className="text-zinc-600 dark:text-zinc-400">
                    {REGISTRY_PROBLEM[item.problem].sinceLabel} <LocalTime value={item.since.toISOString()} />
                  </span>
                )}
                {item.detail && <span className="text-zinc-600 dark:text-zinc-400">: {item.detail}</span>}
              </>
            )}
            {item.kind === "license_expiring" && (
              <>
                <Badge tone="warning">Expiring</Badge>
                <Link href={`/apps/${appSlug}/customers/${item.id}`} className={link}>
                  {item.label}
                </Link>
                <span className="text-zinc-600 dark:text-zinc-400">
                  license expires <LocalTime value={item.expiresAt.toISOString()} />
                </span>
              </>
            )}
            {item.kind === "pulls_denied" && (
              <>
                <Badge tone="danger">Refused</Badge>
                <Link href={`/apps/${appSlug}/customers/${item.id}`} className={link}>
                  {item.label}
                </Link>
                <span className="text-zinc-600 dark:text-zinc-400">
                  refused {item.count} time{item.count === 1 ? "" : "s"} in the last hour
                </span>
              </>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
