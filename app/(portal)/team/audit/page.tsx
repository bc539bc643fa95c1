import type { Metadata } from "next";
import { AuditTable } from "@/components/audit/audit-table";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listAuditEvents } from "@/lib/audit/service";
import { requireSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

const SHOWN = 100;

export default async function AuditLogPage() {
  const session = await requireSession();
  const events = await listAuditEvents(session.team.id, { take: SHOWN });

  return (
    <>
      <PageHeader title="Audit log" description={`Who did what in ${session.team.name}, newest first. Showing up to the latest ${SHOWN} events.`} />
      {events.length > 0 ? (
        <Card flush>
          <AuditTable events={events} />
        </Card>
      ) : (
        <EmptyState title="No events yet" description="Sign-ins, member changes, applications and registries will be recorded here." />
      )}
    </>
  );
}
