import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { safeCallbackUrl } from "@/components/auth/callback-url";
import { SignInForm } from "@/components/auth/sign-in-form";
import { getSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getSession()) redirect(callbackUrl ?? "/apps");
  return (
    <AuthCard title="Sign in" description="Sign in to manage your team's applications and registries.">
      <SignInForm callbackUrl={callbackUrl} expired={params.expired === "1"} />
    </AuthCard>
  );
}
