import type { Metadata } from "next";
import { ApplicationList } from "@/components/applications/application-list";
import { NewApplicationPanel } from "@/components/applications/new-application-panel";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listApplications } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Applications" };

export default async function ApplicationsPage() {
  const session = await requireSession();
  const applications = await listApplications(session.team.id);
  const canCreate = roleAtLeast(session.role, "MEMBER");

  return (
    <>
      <PageHeader title="Applications" description={`The applications of ${session.team.name}. Each one has its own image registries.`} />
      <div className="space-y-8">
        {canCreate && <NewApplicationPanel startOpen={applications.length === 0} />}
        {applications.length > 0 ? (
          <ApplicationList applications={applications} />
        ) : (
          <EmptyState
            title="No applications yet"
            description={canCreate ? "Create one to add its image registries." : "Members and admins of this team can create one; it will appear here."}
          />
        )}
      </div>
    </>
  );
}
