import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PullActivityFiltersForm } from "@/components/pull-activity/pull-activity-filters";
import { PullEventsTable } from "@/components/pull-activity/pull-events-table";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { customerNames } from "@/lib/customers/service";
import { parsePullActivityFilters, pullActivityQuery } from "@/lib/pull-activity/schema";
import { listPullEvents } from "@/lib/pull-activity/service";

export const metadata: Metadata = { title: "Pull activity" };

type Props = { params: Promise<{ appSlug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PullActivityPage({ params, searchParams }: Props) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const filters = parsePullActivityFilters(await searchParams);
  const [result, customers] = await Promise.all([listPullEvents(session.team.id, application.id, filters), customerNames(session.team.id, application.id)]);
  const base = `/apps/${application.slug}/pull-activity`;
  const names = new Map(customers.map((customer) => [customer.id, customer.name]));
  const filtered = pullActivityQuery(filters, { page: 1 }) !== "";

  return (
    <>
      <PageHeader
        title="Pull activity"
        description={`Every sign-in, manifest and layer request of ${application.name}'s customers through the portal's registry, newest first. Times in your time zone; date filters in UTC.`}
        actions={
          <ButtonLink href={`/api/apps/${application.slug}/pull-activity/export${pullActivityQuery(filters, { page: 1 })}`} prefetch={false} download>
            Export CSV
          </ButtonLink>
        }
      />
      <div className="space-y-4">
        <Card>
          <PullActivityFiltersForm filters={filters} customers={customers} resetHref={base} />
        </Card>
        {result.events.length > 0 ? (
          <Card flush>
            <PullEventsTable events={result.events} customerNames={names} />
            <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-3 text-sm dark:border-zinc-800">
              <p className="text-zinc-600 dark:text-zinc-400">
                Page {result.page} of {result.pageCount} · {result.total} {result.total === 1 ? "request" : "requests"}
              </p>
              <div className="flex gap-2">
                {result.page > 1 && (
                  <ButtonLink href={`${base}${pullActivityQuery(filters, { page: result.page - 1 })}`} size="sm">
                    Newer
                  </ButtonLink>
                )}
                {result.page < result.pageCount && (
                  <ButtonLink href={`${base}${pullActivityQuery(filters, { page: result.page + 1 })}`} size="sm">
                    Older
                  </ButtonLink>
                )}
              </div>
            </nav>
          </Card>
        ) : filtered || filters.page > 1 ? (
          <EmptyState title="No requests match" description="Widen the date range or clear a filter." />
        ) : (
          <EmptyState title="No pulls yet" description="When a customer signs in to the registry or pulls an image, each request appears here within a few seconds." />
        )}
      </div>
    </>
  );
}
