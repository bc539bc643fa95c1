import type { Metadata } from "next";
import { InviteMemberForm } from "@/components/teams/invite-member-form";
import { MembersTable } from "@/components/teams/members-table";
import { PendingInvitesTable } from "@/components/teams/pending-invites-table";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";
import { listPendingInvites, searchMembers } from "@/lib/teams/service";
import { ListFilters } from "@/components/lists/list-filters";
import { Pager } from "@/components/lists/pager";
import { firstValues, listHref, type RawSearchParams } from "@/lib/lists/search-params";
import { MEMBER_LIST_DEFAULTS, ZMemberListQuery, type TMemberListQuery } from "@/lib/teams/list-query";
import { ROLE_LABEL } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const session = await requireSession();
  const isAdmin = roleAtLeast(session.role, "ADMIN");
  const query = ZMemberListQuery.parse(firstValues(await searchParams));
  const [{ items, page }, invites] = await Promise.all([searchMembers(session.team.id, query), isAdmin ? listPendingInvites(session.team.id) : []]);
  const href = (changes: Partial<TMemberListQuery>) => listHref("/team/members", query, MEMBER_LIST_DEFAULTS, changes);
  const filtered = query.q !== "" || query.role !== "";

  return (
    <>
      <PageHeader
        title="Members"
        description={isAdmin ? `Who can use ${session.team.name}, and what they may do.` : `Who can use ${session.team.name}. Only admins can invite people or change roles.`}
      />
      <div className="space-y-8">
        <section aria-labelledby="team-members" className="space-y-3">
          <h2 id="team-members" className="text-base font-semibold text-zinc-900 dark:text-zinc-100">
            Team members
          </h2>
          <ListFilters
            label="Filter members"
            search={{ label: "Search members", value: query.q, placeholder: "Name or email" }}
            selects={[
              { name: "role", label: "Role", value: query.role, options: [{ value: "", label: "Any role" }, ...(["ADMIN", "MEMBER", "VIEWER"] as const).map((role) => ({ value: role, label: ROLE_LABEL[role] }))] },
              { name: "sort", label: "Sort by", phoneOnly: true, value: query.sort, options: [{ value: "joined", label: "Joined" }, { value: "name", label: "Name" }, { value: "email", label: "Email" }] },
              { name: "dir", label: "Order", phoneOnly: true, value: query.dir, options: [{ value: "asc", label: "Ascending (A→Z, oldest first)" }, { value: "desc", label: "Descending (Z→A, newest first)" }] },
            ]}
            clearHref={filtered ? href({ q: "", role: "" }) : undefined}
            hidden={page.total < 10 && !filtered}
          />
          <Card flush>
            {items.length > 0 ? (
              <MembersTable members={items} canManage={isAdmin} currentUserId={session.user.id} teamName={session.team.name} sort={{ query, hrefFor: (sort, dir) => href({ sort, dir }) }} />
            ) : (
              <p className="px-4 py-6 text-sm text-zinc-600 dark:text-zinc-400">No member matches these filters.</p>
            )}
            <Pager info={page} noun="members" hrefFor={(number) => href({ page: number })} />
          </Card>
        </section>
        {isAdmin && (
          <>
            <Card title="Invite member" description="Create a link for someone to join this team. Invites are not emailed: send the link yourself.">
              <InviteMemberForm />
            </Card>
            <Card title="Pending invites" flush={invites.length > 0}>
              {invites.length > 0 ? <PendingInvitesTable invites={invites} /> : <p className="text-sm text-zinc-600 dark:text-zinc-400">No pending invites.</p>}
            </Card>
          </>
        )}
      </div>
    </>
  );
}
