import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AttentionList } from "@/components/applications/attention-list";
import { DeleteApplicationDialog } from "@/components/applications/delete-application-dialog";
import { RenameApplicationForm } from "@/components/applications/rename-application-form";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationAttention } from "@/lib/applications/attention";
import { getApplicationNextSteps } from "@/lib/applications/next-steps";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";

type Props = { params: Promise<{ appSlug: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  return { title: application?.name ?? "Application" };
}

export default async function ApplicationOverviewPage({ params }: Props) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const [next, attention] = await Promise.all([canEdit ? getApplicationNextSteps(session.team.id, application.id) : null, getApplicationAttention(session.team.id, application.id)]);

  return (
    <>
      <PageHeader title={application.name} description="Overview of this application. Add the private registries its images live in under Image Registries." />
      <div className="space-y-6">
        <AttentionList appSlug={application.slug} items={attention} />
        {next && (next.needsRegistry || next.needsCustomer) && (
          <Card title="Next steps" description="What this application needs before customers can pull its images through the portal.">
            <ol className="space-y-3 text-sm">
              {next.needsRegistry && (
                <li className="flex flex-wrap items-center justify-between gap-3">
                  <span>Connect the registry your images live in (Amazon ECR), and test the connection.</span>
                  <ButtonLink href={`/apps/${application.slug}/registries/new`} size="sm">
                    Add a registry
                  </ButtonLink>
                </li>
              )}
              {next.needsCustomer && (
                <li className="flex flex-wrap items-center justify-between gap-3">
                  <span>Add a customer: they get a license to pull this application&apos;s images.</span>
                  <ButtonLink href={`/apps/${application.slug}/customers/new`} size="sm" variant={next.needsRegistry ? "secondary" : "primary"}>
                    Add a customer
                  </ButtonLink>
                </li>
              )}
            </ol>
          </Card>
        )}
        <Card title="Details">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Slug</dt>
              <dd className="mt-1 font-mono break-all">{application.slug}</dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Created</dt>
              <dd className="mt-1">
                <LocalTime value={application.createdAt.toISOString()} />
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500 dark:text-zinc-400">Last changed</dt>
              <dd className="mt-1">
                <LocalTime value={application.updatedAt.toISOString()} />
              </dd>
            </div>
          </dl>
        </Card>
        {canEdit && (
          <>
            <Card title="Rename application">
              <RenameApplicationForm key={application.name} applicationId={application.id} name={application.name} />
            </Card>
            <Card title="Delete application" description="Removes the application and its registry access settings for everyone in the team." className="border-red-200 dark:border-red-900/60">
              <DeleteApplicationDialog applicationId={application.id} name={application.name} />
            </Card>
          </>
        )}
      </div>
    </>
  );
}
