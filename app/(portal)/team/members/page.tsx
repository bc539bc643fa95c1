import type { Metadata } from "next";
import { InviteMemberForm } from "@/components/teams/invite-member-form";
import { MembersTable } from "@/components/teams/members-table";
import { PendingInvitesTable } from "@/components/teams/pending-invites-table";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";
import { listMembers, listPendingInvites } from "@/lib/teams/service";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const session = await requireSession();
  const isAdmin = roleAtLeast(session.role, "ADMIN");
  const [members, invites] = await Promise.all([listMembers(session.team.id), isAdmin ? listPendingInvites(session.team.id) : []]);

  return (
    <>
      <PageHeader
        title="Members"
        description={isAdmin ? `Who can use ${session.team.name}, and what they may do.` : `Who can use ${session.team.name}. Only admins can invite people or change roles.`}
      />
      <div className="space-y-8">
        <Card title="Team members" flush>
          <MembersTable members={members} canManage={isAdmin} currentUserId={session.user.id} teamName={session.team.name} />
        </Card>
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
