"use client";
import { useRouter } from "next/navigation";
import { useForm, useWatch, type Control, type FieldErrors, type UseFormRegister } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { RuleRows, schemaResolver, toRuleInputs, toRuleValues, type RegistryOption, type RuleValues } from "@/components/entitlements/rule-rows";
import { Button } from "@/components/ui/button";
import { updateEntitlementsAction } from "@/lib/entitlements/actions";
import { ZEntitlementsFields, type TImageRule, type TUpdateEntitlementsInput } from "@/lib/entitlements/schema";

type Values = { scope: "all" | "rules"; rules: RuleValues[]; channelIds: string[] };

function toInput(values: Values) {
  return { allImages: values.scope === "all", rules: values.scope === "all" ? [] : toRuleInputs(values.rules), channelIds: values.scope === "all" ? [] : values.channelIds };
}

/** All images of the application, or rules and channels; the proxy follows a save within 2 seconds. */
export function EntitlementsForm({
  customerId,
  entitlements,
  registries,
  channels,
  canEdit,
}: {
  customerId: string;
  entitlements: { allImages: boolean; rules: TImageRule[]; channelIds: string[] };
  registries: RegistryOption[];
  channels: { id: string; name: string }[];
  canEdit: boolean;
}) {
  const router = useRouter();
  const form = useForm<Values>({
    resolver: schemaResolver<Values>(ZEntitlementsFields, toInput),
    defaultValues: { scope: entitlements.allImages ? "all" : "rules", rules: entitlements.rules.map(toRuleValues), channelIds: entitlements.channelIds },
  });
  const scope = useWatch({ control: form.control, name: "scope" });
  async function onSubmit(values: Values) {
    const input: TUpdateEntitlementsInput = { customerId, ...toInput(values) };
    const result = await callAction(updateEntitlementsAction, input);
    if (!result.ok) return showActionError(form, result.error, ["channelIds"]);
    toast.success("Saved which images this customer may pull");
    router.refresh();
  }
  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" aria-label="Images this customer may pull">
      <FormError message={form.formState.errors.root?.server?.message} />
      <fieldset className="space-y-2" disabled={!canEdit}>
        <legend className="sr-only">Which images</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" value="all" {...form.register("scope")} /> All images of the application
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" value="rules" {...form.register("scope")} /> Only the channels and rules below
        </label>
      </fieldset>
      {scope === "rules" && (
        <>
          <fieldset className="space-y-2" disabled={!canEdit}>
            <legend className="text-sm font-medium">Channels</legend>
            {channels.length === 0 ? (
              <p className="text-sm text-zinc-500 dark:text-zinc-400">This application has no channels yet; add them under Channels.</p>
            ) : (
              channels.map((channel) => (
                <label key={channel.id} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" value={channel.id} {...form.register("channelIds")} /> {channel.name}
                </label>
              ))
            )}
            {form.formState.errors.channelIds?.message && <p className="text-sm text-red-600 dark:text-red-400">{form.formState.errors.channelIds.message}</p>}
          </fieldset>
          <RuleRows
            control={form.control as unknown as Control<{ rules: RuleValues[] }>}
            register={form.register as unknown as UseFormRegister<{ rules: RuleValues[] }>}
            errors={form.formState.errors as FieldErrors<{ rules: RuleValues[] }>}
            registries={registries}
            disabled={!canEdit}
          />
        </>
      )}
      {canEdit && (
        <Button type="submit" pending={form.formState.isSubmitting}>
          Save images
        </Button>
      )}
    </form>
  );
}
