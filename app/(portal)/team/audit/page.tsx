import type { Metadata } from "next";
import { AuditTable } from "@/components/audit/audit-table";
import { ListFilters } from "@/components/lists/list-filters";
import { Pager } from "@/components/lists/pager";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { PageHeader } from "@/components/ui/page-header";
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from "@/lib/audit/actions";
import { describeAction, describeTargetType } from "@/lib/audit/describe";
import { AUDIT_LIST_DEFAULTS, ZAuditListQuery, type TAuditListQuery } from "@/lib/audit/list-query";
import { listAuditActors, searchAuditEvents } from "@/lib/audit/service";
import { resolveAuditTargets, resolveMetadataNames } from "@/lib/audit/targets";
import { requireSession } from "@/lib/auth/session";
import { firstValues, listHref, type RawSearchParams } from "@/lib/lists/search-params";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const session = await requireSession();
  const query = ZAuditListQuery.parse(firstValues(await searchParams));
  const [{ items, page }, actors] = await Promise.all([searchAuditEvents(session.team.id, query), listAuditActors(session.team.id)]);
  const [targets, names] = await Promise.all([resolveAuditTargets(session.team.id, items), resolveMetadataNames(session.team.id, items)]);
  const href = (changes: Partial<TAuditListQuery>) => listHref("/team/audit", query, AUDIT_LIST_DEFAULTS, changes);
  const filterQuery = listHref("", { ...query, page: 1 }, AUDIT_LIST_DEFAULTS);
  const filtered = query.actor !== "" || query.action !== "" || query.target !== "" || query.targetId !== "" || query.from !== "" || query.to !== "";
  const clear = href({ actor: "", action: "", target: "", targetId: "", from: "", to: "" });

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Who did what in ${session.team.name}, newest first.`}
        actions={
          <ButtonLink href={`/api/team/audit/export${filterQuery}`} prefetch={false} download>
            Export CSV
          </ButtonLink>
        }
      />
      <div className="space-y-4">
        <ListFilters
          label="Filter audit events"
          selects={[
            { name: "actor", label: "Who", value: query.actor, options: [{ value: "", label: "Anyone" }, ...actors] },
            { name: "action", label: "Action", value: query.action, options: [{ value: "", label: "Any action" }, ...AUDIT_ACTIONS.map((action) => ({ value: action, label: describeAction(action) }))] },
            { name: "target", label: "Target", value: query.target, options: [{ value: "", label: "Anything" }, ...AUDIT_TARGET_TYPES.map((type) => ({ value: type, label: describeTargetType(type) }))] },
          ]}
          keep={{ targetId: query.targetId }}
          clearHref={filtered ? clear : undefined}
          hidden={page.total < 10 && !filtered}
          childValues={[query.from, query.to]}
        >
          <div className="flex flex-col gap-1">
            <label htmlFor="audit-from" className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
              From (UTC)
            </label>
            <Input id="audit-from" name="from" type="date" defaultValue={query.from} compact />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor="audit-to" className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
              To (UTC)
            </label>
            <Input id="audit-to" name="to" type="date" defaultValue={query.to} compact />
          </div>
        </ListFilters>
        {query.targetId && (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Showing the history of one object.{" "}
            <a href={href({ targetId: "" })} className="text-indigo-700 hover:underline dark:text-indigo-300">
              Show every object
            </a>
          </p>
        )}
        {items.length > 0 ? (
          <Card flush>
            <AuditTable events={items} targets={targets} names={names} />
            <Pager info={page} noun="events" hrefFor={(number) => href({ page: number })} />
          </Card>
        ) : filtered ? (
          <EmptyState title="No matching events" description="No event matches these filters. Widen the dates or clear the filters." action={<ButtonLink href={clear}>Clear filters</ButtonLink>} />
        ) : (
          <EmptyState title="No events yet" description="Sign-ins, member changes, applications and registries will be recorded here." />
        )}
      </div>
    </>
  );
}
