"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError, showFormError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { signUpAction } from "@/lib/auth/actions";
import { ZSignUpInput, type TSignUpInput } from "@/lib/auth/schema";

export interface SignUpInvite {
  token: string;
  email: string;
  teamName: string;
  roleLabel: string;
}

/** Creates an account with a new team, or, with an invite, joins the inviting team. */
export function SignUpForm({ invite }: { invite: SignUpInvite | null }) {
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  const form = useForm<TSignUpInput>({
    resolver: zodResolver(ZSignUpInput),
    defaultValues: {
      name: "",
      email: invite?.email ?? "",
      password: "",
      // With an invite the team already exists; the server ignores this name.
      teamName: invite?.teamName ?? "",
      ...(invite ? { inviteToken: invite.token } : {}),
    },
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TSignUpInput) {
    const result = await callAction(signUpAction, values);
    if (!result.ok) return showActionError(form, result.error, ["name", "email", "password", "teamName"]);
    const signedIn = await signIn("credentials", { redirect: false, email: values.email, password: values.password }).catch(() => undefined);
    if (!signedIn?.ok || signedIn.error) {
      return showFormError(form, "Your account was created, but signing in failed. Sign in with your new password.");
    }
    toast.success(invite ? `Welcome to ${invite.teamName}` : "Your account and team are ready");
    setLeaving(true);
    router.push("/apps");
    router.refresh();
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-5">
      {invite && (
        <Alert tone="info">
          You are joining <strong>{invite.teamName}</strong> as {invite.roleLabel}.
        </Alert>
      )}
      <FormError message={errors.root?.server?.message} />
      <TextField label="Your name" autoComplete="name" autoFocus error={errors.name?.message} {...form.register("name")} />
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        readOnly={invite !== null}
        hint={invite ? "The address this invite was sent to." : undefined}
        error={errors.email?.message}
        {...form.register("email")}
      />
      <TextField label="Password" type="password" autoComplete="new-password" hint="At least 12 characters. A passphrase of several words works well." error={errors.password?.message} {...form.register("password")} />
      {!invite && (
        <TextField
          label="Team name"
          autoComplete="organization"
          hint="Usually your company's name. You become the team's admin and can invite others."
          error={errors.teamName?.message}
          {...form.register("teamName")}
        />
      )}
      <Button type="submit" className="w-full" pending={isSubmitting || leaving}>
        {invite ? "Create account and join" : "Create account"}
      </Button>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        Already have an account?{" "}
        <Link
          href={invite ? `/sign-in?callbackUrl=${encodeURIComponent(`/invite/${invite.token}`)}` : "/sign-in"}
          className="font-medium text-indigo-600 underline-offset-4 hover:underline dark:text-indigo-400"
        >
          Sign in
        </Link>
      </p>
    </form>
  );
}
