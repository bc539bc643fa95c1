"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { ROLE_HELP, RoleOptions } from "@/components/teams/role-options";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField, TextField } from "@/components/ui/field";
import { inviteMemberAction } from "@/lib/teams/actions";
import { ZInviteMemberInput, type TInviteMemberInput } from "@/lib/teams/schema";

/** Creates an invite and shows its link once, to be sent to the person by the admin. */
export function InviteMemberForm() {
  const router = useRouter();
  const [created, setCreated] = useState<{ url: string; email: string; emailed: boolean } | null>(null);
  const form = useForm<TInviteMemberInput>({ resolver: zodResolver(ZInviteMemberInput), defaultValues: { email: "", role: "MEMBER" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TInviteMemberInput) {
    setCreated(null);
    const result = await callAction(inviteMemberAction, values);
    if (!result.ok) return showActionError(form, result.error, ["email", "role"]);
    setCreated({ url: `${window.location.origin}${result.data.inviteUrlPath}`, email: result.data.email, emailed: result.data.emailed });
    form.reset({ email: "", role: values.role });
    toast.success(`Invite created for ${result.data.email}`);
    router.refresh();
  }

  return (
    <div className="space-y-5">
      {created && (
        <div
          className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-50"
        >
          <p className="font-semibold">Invite link for {created.email}</p>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-end">
            <TextField
              label="Invite link"
              value={created.url}
              readOnly
              onFocus={(event) => event.currentTarget.select()}
              className="font-mono text-xs"
              fieldClassName="flex-1 min-w-0"
            />
            <CopyButton value={created.url} label="Copy link" size="md" />
          </div>
          <p className="mt-2">
            {created.emailed ? `The portal emailed this link to ${created.email}; you can also pass it on yourself.` : `Send this link to ${created.email}.`} It expires in 7 days and is shown only once, so copy it now.
          </p>
        </div>
      )}
      <form aria-label="Invite a member" noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
        <FormError message={errors.root?.server?.message} />
        <div className="grid gap-4 sm:grid-cols-[1fr_12rem]">
          <TextField label="Email" type="email" autoComplete="off" placeholder="name@example.com" error={errors.email?.message} {...form.register("email")} />
          <SelectField label="Role" error={errors.role?.message} {...form.register("role")}>
            <RoleOptions />
          </SelectField>
        </div>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">{ROLE_HELP}</p>
        <Button type="submit" pending={isSubmitting}>
          Create invite link
        </Button>
      </form>
    </div>
  );
}
