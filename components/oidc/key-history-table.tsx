import { Badge, type BadgeTone } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import type { KeyHistoryRow } from "@/lib/oidc/overview";

const ACTION: Record<KeyHistoryRow["action"], { tone: BadgeTone; label: string }> = {
  created: { tone: "info", label: "Created" },
  promoted: { tone: "success", label: "Signing" },
  retired: { tone: "neutral", label: "Retired" },
  removed: { tone: "neutral", label: "Removed" },
  emergency_replaced: { tone: "danger", label: "Replaced (emergency)" },
};

const DETAIL_LABELS: Record<string, string> = {
  signsFrom: "signs from",
  signsUntil: "signs until",
  publishedUntil: "published until",
  cachesExpireBy: "caches expire by",
};

/** Every key created, promoted, retired, removed or emergency-replaced, newest first. */
export function KeyHistoryTable({ history }: { history: KeyHistoryRow[] }) {
  if (history.length === 0) return <p className="px-4 py-3 text-sm text-zinc-600 dark:text-zinc-400">No key changes recorded yet.</p>;
  return (
    <Table label="Key history">
      <THead>
        <tr>
          <Th>When</Th>
          <Th>Event</Th>
          <Th>Key ID (kid)</Th>
          <Th>Why</Th>
        </tr>
      </THead>
      <TBody>
        {history.map((event) => (
          <tr key={event.id}>
            <Td>
              <LocalTime value={event.at} />
            </Td>
            <Td>
              <Badge tone={ACTION[event.action]?.tone ?? "neutral"}>{ACTION[event.action]?.label ?? event.action}</Badge>
            </Td>
            <Td>
              <code className="break-all font-mono text-xs">{event.kid}</code>
            </Td>
            <Td>
              {event.reason}
              {Object.entries(event.details).map(([name, value]) =>
                value ? (
                  <span key={name} className="block text-xs text-zinc-600 dark:text-zinc-400">
                    {DETAIL_LABELS[name] ?? name} <LocalTime value={value} />
                  </span>
                ) : null,
              )}
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
