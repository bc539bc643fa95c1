import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { CreateTeamForm } from "@/components/teams/create-team-form";
import { Alert } from "@/components/ui/alert";
import { LocalTime } from "@/components/ui/local-time";
import { getSession, getSignedInUser } from "@/lib/auth/session";
import { ROLE_LABEL } from "@/lib/teams/roles";
import { listOpenInvitesFor } from "@/lib/teams/service";

export const metadata: Metadata = { title: "Create or join a team" };

/** Where a signed-in user who belongs to no team (e.g. removed from every one) lands. */
export default async function WelcomePage() {
  const user = await getSignedInUser();
  if (!user) redirect("/sign-in");
  if (await getSession()) redirect("/apps");
  const invites = await listOpenInvitesFor(user.email);
  return (
    <AuthCard title="You are not in a team" description={<>You are signed in as {user.email}, but you are not a member of any team. Create a team, or join one you were invited to.</>}>
      <div className="space-y-6">
        {invites.length > 0 ? (
          <Alert tone="info" title="Invitations for you">
            <ul className="mt-1 list-disc space-y-1 pl-5">
              {invites.map((invite) => (
                <li key={invite.id}>
                  {invite.team.name}, as {ROLE_LABEL[invite.role]} (until <LocalTime value={invite.expiresAt.toISOString()} />)
                </li>
              ))}
            </ul>
            <p className="mt-2">Open the invite link the team admin sent you to join.</p>
          </Alert>
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">To join an existing team, ask one of its admins for an invite link and open it while signed in.</p>
        )}
        <section aria-labelledby="create-team">
          <h2 id="create-team" className="mb-3 text-sm font-semibold">
            Create a team
          </h2>
          <CreateTeamForm />
        </section>
        <SignOutButton callbackUrl="/sign-in" variant="ghost" />
      </div>
    </AuthCard>
  );
}
