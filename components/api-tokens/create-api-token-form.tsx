"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { RoleOptions } from "@/components/teams/role-options";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { SelectField, TextField } from "@/components/ui/field";
import { createApiTokenAction } from "@/lib/api-tokens/actions";
import { API_TOKEN_EXPIRY_DAYS, ZCreateApiTokenInput, type TCreateApiTokenInput } from "@/lib/api-tokens/schema";

const EXPIRY_LABEL: Record<(typeof API_TOKEN_EXPIRY_DAYS)[number], string> = { 7: "In 7 days", 30: "In 30 days", 90: "In 90 days", 365: "In 1 year" };

/** Creates an API token and shows it once, with a copy button. */
export function CreateApiTokenForm() {
  const router = useRouter();
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const form = useForm<TCreateApiTokenInput>({ resolver: zodResolver(ZCreateApiTokenInput), defaultValues: { name: "", role: "MEMBER", expiresInDays: 90 } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TCreateApiTokenInput) {
    setCreated(null);
    const result = await callAction(createApiTokenAction, values);
    if (!result.ok) return showActionError(form, result.error, ["name", "role", "expiresInDays"]);
    setCreated(result.data);
    form.reset({ name: "", role: values.role, expiresInDays: values.expiresInDays });
    toast.success(`Token ${result.data.name} created`);
    router.refresh();
  }

  return (
    <div className="space-y-5">
      {created && (
        <div
          role="status"
          className="rounded-md border border-emerald-300 bg-emerald-50 px-4 py-3 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/60 dark:text-emerald-50"
        >
          <p className="font-semibold">API token {created.name}</p>
          <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-end">
            <TextField
              label="New API token"
              value={created.token}
              readOnly
              onFocus={(event) => event.currentTarget.select()}
              className="font-mono text-xs"
              fieldClassName="flex-1 min-w-0"
            />
            <CopyButton value={created.token} label="Copy API token" size="md" copiedMessage="API token copied" />
          </div>
          <p className="mt-2">
            Copy it now and store it as a secret in your CI or script: it is shown only this once. Send it as <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>.
          </p>
        </div>
      )}
      <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
        <FormError message={errors.root?.server?.message} />
        <div className="grid gap-4 sm:grid-cols-[1fr_10rem_10rem]">
          <TextField label="Token name" autoComplete="off" placeholder="ci-deploy" hint="Where it is used, so you know what breaks if you revoke it." error={errors.name?.message} {...form.register("name")} />
          <SelectField label="Role" error={errors.role?.message} {...form.register("role")}>
            <RoleOptions />
          </SelectField>
          <SelectField label="Expires" error={errors.expiresInDays?.message} {...form.register("expiresInDays", { setValueAs: (value: unknown) => (value === "" || value === null ? null : Number(value)) })}>
            {API_TOKEN_EXPIRY_DAYS.map((days) => (
              <option key={days} value={days}>
                {EXPIRY_LABEL[days]}
              </option>
            ))}
            <option value="">Never</option>
          </SelectField>
        </div>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          A token acts in this team with its role: viewers read, members also change applications and registries and run tests, admins also manage tokens. It never has more than
          its creator&apos;s role, and stops working if its creator leaves the team.
        </p>
        <Button type="submit" pending={isSubmitting}>
          Create API token
        </Button>
      </form>
    </div>
  );
}
