import Link from "next/link";
import { LocalTime } from "@/components/ui/local-time";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";
import { describeAction, describeActor, describeMetadata, describeTargetType, type AuditNames } from "@/lib/audit/describe";
import type { AuditTargetLink } from "@/lib/audit/targets";

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

/**
 * Audit events in the order given (newest first), each target a link to the
 * object (or its recorded name, marked as gone): a table from 768 px, cards below.
 */
export function AuditTable({ events, targets, names }: { events: AuditEventRow[]; targets: Map<string, AuditTargetLink>; names: AuditNames }) {
  return (
    <>
      <div className="hidden md:block">
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
            {events.map((event) => (
              <tr key={event.id} className="align-top" data-event-id={event.id}>
                <Td className="whitespace-nowrap text-zinc-600 dark:text-zinc-400">
                  <LocalTime value={event.createdAt.toISOString()} />
                </Td>
                <Td className="max-w-56 break-words">
                  <Actor event={event} />
                </Td>
                <Td className="min-w-40 font-medium">{describeAction(event.action)}</Td>
                <Td className="max-w-64 min-w-36">
                  <Target event={event} link={targets.get(event.id)} />
                </Td>
                <Td className="min-w-56 text-zinc-600 dark:text-zinc-400">
                  <Details metadata={event.metadata} names={names} />
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      </div>
      <ul aria-label="Audit events" className="divide-y divide-zinc-200 md:hidden dark:divide-zinc-800" data-testid="audit-cards">
        {events.map((event) => (
          <li key={event.id} className="space-y-1 px-4 py-3 text-sm" data-event-id={event.id}>
            <p className="font-medium text-zinc-900 dark:text-zinc-100">{describeAction(event.action)}</p>
            <p className="text-xs text-zinc-600 dark:text-zinc-400">
              <LocalTime value={event.createdAt.toISOString()} /> · <Actor event={event} />
            </p>
            {event.targetType && (
              <p className="text-xs">
                <Target event={event} link={targets.get(event.id)} />
              </p>
            )}
            <div className="text-xs text-zinc-600 dark:text-zinc-400">
              <Details metadata={event.metadata} names={names} />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

function Actor({ event }: { event: AuditEventRow }) {
  const actor = describeActor(event);
  return actor === "System" ? <span className="text-zinc-600 dark:text-zinc-400">System</span> : <span className="break-words">{actor}</span>;
}

function Target({ event, link }: { event: AuditEventRow; link: AuditTargetLink | undefined }) {
  if (!event.targetType) return <NoValue label="No target" />;
  const type = describeTargetType(event.targetType);
  if (!link) return <>{type}</>;
  return (
    <span className="break-words">
      <span className="text-zinc-600 dark:text-zinc-400">{type}: </span>
      {link.href ? (
        <Link href={link.href} className="text-indigo-700 underline underline-offset-2 dark:text-indigo-300">
          {link.label}
        </Link>
      ) : (
        <span>{link.label}</span>
      )}
      {link.deleted && <span className="text-zinc-600 dark:text-zinc-400"> {event.targetType === "user" ? "(no longer in the team)" : "(deleted)"}</span>}
    </span>
  );
}

function Details({ metadata, names }: { metadata: unknown; names: AuditNames }) {
  const details = describeMetadata(metadata, names);
  if (details.length === 0) return <NoValue label="No details" />;
  return (
    <ul>
      {details.map((line, index) => (
        <li key={index} className="break-words">
          {line}
        </li>
      ))}
    </ul>
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
