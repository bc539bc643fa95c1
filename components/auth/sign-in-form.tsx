"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { NETWORK_ERROR_MESSAGE, showFormError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { ZSignInInput, type TSignInInput } from "@/lib/auth/schema";
import { describeSignInError } from "@/lib/auth/sign-in-error";

export interface SignInFormProps {
  /** A same-site path to go to afterwards (already checked by the page). */
  callbackUrl: string | null;
  /** The user was sent here because their session ended. */
  expired: boolean;
  /** An error next-auth sent the browser back here with, already described. */
  error: string | null;
}

export function SignInForm({ callbackUrl, expired, error }: SignInFormProps) {
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  const form = useForm<TSignInInput>({ resolver: zodResolver(ZSignInInput), defaultValues: { email: "", password: "" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TSignInInput) {
    let result;
    try {
      result = await signIn("credentials", { redirect: false, email: values.email, password: values.password });
    } catch {
      return showFormError(form, NETWORK_ERROR_MESSAGE);
    }
    if (!result?.ok || result.error) {
      form.resetField("password");
      return showFormError(form, describeSignInError(result?.error));
    }
    setLeaving(true);
    router.push(callbackUrl ?? "/apps");
    router.refresh();
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-5">
      {expired && !errors.root?.server && <Alert tone="warning">Your session has expired. Sign in again.</Alert>}
      <FormError message={errors.root?.server?.message ?? error ?? undefined} />
      <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...form.register("email")} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register("password")} />
      <Button type="submit" className="w-full" pending={isSubmitting || leaving}>
        Sign in
      </Button>
      <p className="text-center text-sm text-zinc-600 dark:text-zinc-400">
        New here?{" "}
        <Link href="/sign-up" className="font-medium text-indigo-600 underline-offset-4 hover:underline dark:text-indigo-400">
          Create an account
        </Link>
      </p>
    </form>
  );
}
