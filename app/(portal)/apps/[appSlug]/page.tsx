import type { Metadata } from "next";
import { notFound } from "next/navigation";
import Link from "next/link";
import { AttentionList } from "@/components/applications/attention-list";
import { PullChart } from "@/components/applications/pull-chart";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationAttention } from "@/lib/applications/attention";
import { EXPIRING_SOON_DAYS, getApplicationDashboard, PULL_CHART_DAYS } from "@/lib/applications/dashboard";
import { getApplicationNextSteps } from "@/lib/applications/next-steps";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { formatBytes } from "@/lib/pull-activity/format";
import { REGISTRY_STATUS_KINDS, REGISTRY_STATUS_LABEL } from "@/lib/registries/status";
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
  const [next, dashboard, attention] = await Promise.all([
    canEdit ? getApplicationNextSteps(session.team.id, application.id) : null,
    getApplicationDashboard(session.team.id, application),
    getApplicationAttention(session.team.id, application.id),
  ]);
  const base = `/apps/${application.slug}`;
  const totalPulls = dashboard.pulls.reduce((sum, day) => sum + day.pulls, 0);
  const totalBytes = dashboard.pulls.reduce((sum, day) => sum + day.bytes, 0);

  return (
    <>
      <PageHeader title={application.name} description="What this application's registries, customers and pulls look like now, and what needs doing." />
      <div className="space-y-6">
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
        <AttentionList appSlug={application.slug} items={attention} />
        <div className="grid gap-4 sm:grid-cols-3">
          <Card title="Registries">
            <p className="text-2xl font-semibold" data-testid="dashboard-registries">{dashboard.registries.total}</p>
            <ul className="mt-2 flex flex-wrap gap-1.5">
              {REGISTRY_STATUS_KINDS.filter((kind) => dashboard.registries.byStatus[kind]).map((kind) => (
                <li key={kind}>
                  <Link href={`${base}/registries?status=${kind}`} className="text-sm text-indigo-700 underline dark:text-indigo-300">
                    {dashboard.registries.byStatus[kind]} {REGISTRY_STATUS_LABEL[kind].toLowerCase()}
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
          <Card title="Customers">
            <p className="text-2xl font-semibold" data-testid="dashboard-customers">{dashboard.customers.active} active</p>
            <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
              {dashboard.customers.expiringSoon} expiring within {EXPIRING_SOON_DAYS} days · {dashboard.customers.expired} expired · {dashboard.customers.revoked} revoked
            </p>
          </Card>
          <Card title={`Pulls, last ${PULL_CHART_DAYS} days`}>
            <p className="text-2xl font-semibold" data-testid="dashboard-pulls">
              {totalPulls} <span className="text-sm font-normal text-zinc-600 dark:text-zinc-400">· {formatBytes(totalBytes)}</span>
            </p>
            <div className="mt-2">
              <PullChart days={dashboard.pulls} />
            </div>
          </Card>
        </div>
      </div>
    </>
  );
}
