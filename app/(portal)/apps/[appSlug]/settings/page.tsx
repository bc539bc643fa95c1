import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { DeleteApplicationDialog } from "@/components/applications/delete-application-dialog";
import { RenameApplicationForm } from "@/components/applications/rename-application-form";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Application settings" };

export default async function ApplicationSettingsPage({ params }: { params: Promise<{ appSlug: string }> }) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const canEdit = roleAtLeast(session.role, "MEMBER");
  return (
    <>
      <PageHeader title="Settings" description={`${application.name}'s name and details.`} />
      <div className="space-y-6">
        <Card title="Details">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Slug</dt>
              <dd className="mt-1 font-mono break-all">{application.slug}</dd>
            </div>
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Created</dt>
              <dd className="mt-1">
                <LocalTime value={application.createdAt.toISOString()} />
              </dd>
            </div>
            <div>
              <dt className="text-zinc-600 dark:text-zinc-400">Last changed</dt>
              <dd className="mt-1">
                <LocalTime value={application.updatedAt.toISOString()} />
              </dd>
            </div>
          </dl>
        </Card>
        {canEdit ? (
          <>
            <Card title="Rename application">
              <RenameApplicationForm key={application.name} applicationId={application.id} name={application.name} />
            </Card>
            <section aria-labelledby="danger-zone" className="space-y-3">
              <h2 id="danger-zone" className="text-sm font-semibold text-red-700 dark:text-red-400">
                Danger zone
              </h2>
              <Card title="Delete application" description="Removes the application and its registry access settings for everyone in the team." className="border-red-200 dark:border-red-900/60">
                <DeleteApplicationDialog applicationId={application.id} name={application.name} />
              </Card>
            </section>
          </>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Members and admins can rename or delete the application.</p>
        )}
      </div>
    </>
  );
}
