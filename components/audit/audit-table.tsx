import { describeAction, describeMetadata, describeTargetType } from "@/components/audit/describe-audit-event";
import { LocalTime } from "@/components/ui/local-time";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";

export interface AuditEventRow {
  id: string;
  createdAt: Date;
  actorEmail: string | null;
  /** Set when an API token acted. */
  actorToken?: { name: string } | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  metadata: unknown;
}

/** Audit events in the order given (the service returns newest first). */
export function AuditTable({ events }: { events: AuditEventRow[] }) {
  return (
    <Table label="Audit events">
      <THead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Action</Th>
          <Th>Target</Th>
          <Th>Details</Th>
        </tr>
      </THead>
      <TBody>
        {events.map((event) => {
          const details = describeMetadata(event.metadata);
          return (
            <tr key={event.id} className="align-top">
              <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                <LocalTime value={event.createdAt.toISOString()} />
              </Td>
              <Td className="whitespace-nowrap">
                {event.actorEmail ?? (event.actorToken ? `API token “${event.actorToken.name}”` : <span className="text-zinc-500 dark:text-zinc-400">System</span>)}
              </Td>
              <Td className="min-w-40 font-medium">{describeAction(event.action)}</Td>
              <Td className="whitespace-nowrap">
                {event.targetType ? (
                  <>
                    {describeTargetType(event.targetType)}
                    {event.targetId && (
                      <span className="ml-1.5 font-mono text-xs text-zinc-500 dark:text-zinc-400" title={event.targetId}>
                        {event.targetId.slice(0, 10)}
                      </span>
                    )}
                  </>
                ) : (
                  <NoValue label="No target" />
                )}
              </Td>
              <Td className="min-w-48 text-zinc-600 dark:text-zinc-400">
                {details.length > 0 ? (
                  <ul>
                    {details.map((line, index) => (
                      <li key={index} className="break-words">
                        {line}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <NoValue label="No details" />
                )}
              </Td>
            </tr>
          );
        })}
      </TBody>
    </Table>
  );
}

function NoValue({ label }: { label: string }) {
  return (
    <>
      <span aria-hidden="true" className="text-zinc-400 dark:text-zinc-600">
        —
      </span>
      <span className="sr-only">{label}</span>
    </>
  );
}
