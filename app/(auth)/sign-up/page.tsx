import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Alert } from "@/components/ui/alert";
import { AuthCard } from "@/components/auth/auth-card";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { ButtonLink } from "@/components/ui/button";
import { getSession } from "@/lib/auth/session";
import { ROLE_LABEL } from "@/lib/teams/roles";
import { findUsableInvite } from "@/lib/teams/invites";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { invite: token } = await searchParams;
  if (await getSession()) redirect(typeof token === "string" ? `/invite/${encodeURIComponent(token)}` : "/apps");
  if (typeof token !== "string") {
    return (
      <AuthCard title="Create an account" description="You get your own team; invite your colleagues once you are in.">
        <SignUpForm invite={null} />
      </AuthCard>
    );
  }

  const invite = await findUsableInvite(token);
  if (!invite) {
    return (
      <AuthCard title="Invite not valid">
        <Alert tone="error">This invite link is invalid, expired or already used. Ask your team admin for a new one.</Alert>
        <div className="mt-6 flex flex-wrap gap-2">
          <ButtonLink href="/sign-up">Create an account with a new team</ButtonLink>
          <ButtonLink href="/sign-in" variant="ghost">
            Sign in
          </ButtonLink>
        </div>
      </AuthCard>
    );
  }
  // Only what the form shows goes to the client: never the invite row itself.
  return (
    <AuthCard title={`Join ${invite.team.name}`} description="Create your account to accept the invite.">
      <SignUpForm invite={{ token, email: invite.email, teamName: invite.team.name, roleLabel: ROLE_LABEL[invite.role] }} />
    </AuthCard>
  );
}
