import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { parseProxyRepository } from "@/lib/proxy/proxy-reference";
import { formatBytes } from "@/lib/pull-activity/format";
import { PULL_ACTION_LABEL } from "@/lib/pull-activity/schema";
import type { PullEventView } from "@/lib/pull-activity/service";

function statusTone(status: number) {
  if (status < 400) return "success" as const;
  if (status < 500) return "warning" as const;
  return "danger" as const;
}

/** The upstream repository and tag (or a short digest); the full proxied name on hover. */
function ImageCell({ event }: { event: PullEventView }) {
  if (!event.repository) return <span className="text-zinc-500">—</span>;
  const parsed = parseProxyRepository(event.repository);
  const reference = event.reference ?? event.digest;
  const shortReference = reference?.startsWith("sha256:") ? `@${reference.slice(0, 19)}…` : reference ? `:${reference}` : "";
  return (
    <span title={`${event.repository}${reference ? (reference.startsWith("sha256:") ? `@${reference}` : `:${reference}`) : ""}`}>
      <span className="font-mono text-xs break-all">
        {parsed?.repository ?? event.repository}
        <span className="text-zinc-500 dark:text-zinc-400">{shortReference}</span>
      </span>
      {parsed && <span className="block truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">{parsed.upstreamHostname}</span>}
    </span>
  );
}

export function PullEventsTable({ events, customerNames }: { events: PullEventView[]; customerNames: Map<string, string> }) {
  return (
    <Table label="Registry requests, newest first">
      <THead>
        <tr>
          <Th>Time</Th>
          <Th>Customer</Th>
          <Th>Request</Th>
          <Th>Status</Th>
          <Th>Image</Th>
          <Th className="text-right">Bytes</Th>
          <Th className="hidden text-right lg:table-cell">Duration</Th>
          <Th className="hidden xl:table-cell">Client</Th>
        </tr>
      </THead>
      <TBody>
        {events.map((event) => (
          <tr key={event.id}>
            <Td className="whitespace-nowrap">
              <LocalTime value={event.createdAt.toISOString()} />
            </Td>
            <Td className="max-w-40 break-words">{event.customerId ? (customerNames.get(event.customerId) ?? "(deleted customer)") : <span className="text-zinc-500">Unknown license</span>}</Td>
            <Td className="whitespace-nowrap">
              {PULL_ACTION_LABEL[event.action] ?? event.action} <span className="text-xs text-zinc-500">{event.method}</span>
            </Td>
            <Td className="whitespace-nowrap">
              <Badge tone={statusTone(event.status)}>{event.status}</Badge>
              {event.upstreamStatus !== null && event.upstreamStatus !== event.status && <p className="text-xs text-zinc-500">upstream {event.upstreamStatus}</p>}
            </Td>
            <Td className="max-w-64 min-w-40">
              <ImageCell event={event} />
            </Td>
            <Td className="text-right whitespace-nowrap tabular-nums">{formatBytes(event.bytes)}</Td>
            <Td className="hidden text-right whitespace-nowrap tabular-nums lg:table-cell">{event.durationMs} ms</Td>
            <Td className="hidden max-w-56 xl:table-cell">
              <p className="font-mono text-xs break-all">{event.clientAddress ?? "—"}</p>
              {event.userAgent && <p className="truncate text-xs text-zinc-500" title={event.userAgent}>{event.userAgent}</p>}
            </Td>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
