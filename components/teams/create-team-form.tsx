"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createTeamAction } from "@/lib/teams/actions";
import { ZCreateTeamInput, type TCreateTeamInput } from "@/lib/teams/schema";

/** Creates a team with the signed-in user as its admin, then opens its applications. */
export function CreateTeamForm() {
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  const form = useForm<TCreateTeamInput>({ resolver: zodResolver(ZCreateTeamInput), defaultValues: { teamName: "" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TCreateTeamInput) {
    const result = await callAction(createTeamAction, values);
    if (!result.ok) return showActionError(form, result.error, ["teamName"]);
    setLeaving(true);
    router.push("/apps");
    router.refresh();
  }

  return (
    <form aria-label="Create a team" noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
      <FormError message={errors.root?.server?.message} />
      <TextField label="Team name" autoComplete="organization" error={errors.teamName?.message} {...form.register("teamName")} />
      <Button type="submit" className="w-full" pending={isSubmitting || leaving}>
        Create team
      </Button>
    </form>
  );
}
