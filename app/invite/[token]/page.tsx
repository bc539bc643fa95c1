import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { AcceptInviteButton } from "@/components/teams/accept-invite-button";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { getSignedInUser } from "@/lib/auth/session";
import { ROLE_LABEL } from "@/lib/teams/roles";
import { findUsableInvite } from "@/lib/teams/invites";

export const metadata: Metadata = { title: "Team invite", robots: { index: false } };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  // A user without a team (removed from every one) may accept an invite too.
  const [invite, user] = await Promise.all([findUsableInvite(token), getSignedInUser()]);

  if (!invite) {
    return (
      <AuthCard title="Invite not valid">
        <Alert tone="error">This invite link is invalid, expired or already used. Ask your team admin for a new one.</Alert>
        <div className="mt-6">
          <ButtonLink href="/">Go to the portal</ButtonLink>
        </div>
      </AuthCard>
    );
  }

  const invitePath = `/invite/${token}`;
  const summary = (
    <>
      You are invited to join <strong className="text-zinc-900 dark:text-zinc-100">{invite.team.name}</strong> as{" "}
      <strong className="text-zinc-900 dark:text-zinc-100">{ROLE_LABEL[invite.role]}</strong>.
    </>
  );

  if (!user) {
    return (
      <AuthCard title={`Join ${invite.team.name}`} description={summary}>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The invite is for <strong className="text-zinc-900 dark:text-zinc-100">{invite.email}</strong>. Create an account with that address, or sign in if you already have one.
        </p>
        <div className="mt-6 flex flex-col gap-2">
          <ButtonLink href={`/sign-up?invite=${encodeURIComponent(token)}`} variant="primary">
            Create an account
          </ButtonLink>
          <ButtonLink href={`/sign-in?callbackUrl=${encodeURIComponent(invitePath)}`}>Sign in</ButtonLink>
        </div>
      </AuthCard>
    );
  }

  if (user.email !== invite.email) {
    return (
      <AuthCard title={`Join ${invite.team.name}`} description={summary}>
        <Alert tone="warning" title="This invite is for someone else">
          It is for {invite.email}, but you are signed in as {user.email}. Sign out, then open the link again and sign in or sign up as {invite.email}.
        </Alert>
        <div className="mt-6 flex flex-col gap-2">
          <SignOutButton callbackUrl={invitePath} variant="primary" />
          <ButtonLink href="/apps" variant="ghost">
            Back to your applications
          </ButtonLink>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={`Join ${invite.team.name}`} description={summary}>
      <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">You are signed in as {user.email}.</p>
      <AcceptInviteButton token={token} teamName={invite.team.name} />
    </AuthCard>
  );
}
