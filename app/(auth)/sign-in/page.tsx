import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { getSignedInUser } from "@/lib/auth/session";
import { describeSignInError } from "@/lib/auth/sign-in-error";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl, getEnv().APP_URL);
  // Signed in (with a team or without: /apps sends a user without one on to /welcome).
  if (await getSignedInUser()) redirect(callbackUrl ?? "/apps");
  return (
    <AuthCard title="Sign in" description="Sign in to manage your team's applications and registries.">
      <SignInForm callbackUrl={callbackUrl} expired={params.expired === "1"} error={typeof params.error === "string" ? describeSignInError(params.error) : null} />
    </AuthCard>
  );
}
