"use client";
import { useRouter } from "next/navigation";
import { useForm, type Control, type FieldErrors, type UseFormRegister } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { RuleRows, schemaResolver, toRuleInputs, toRuleValues, EMPTY_RULE, type RegistryOption, type RuleValues } from "@/components/entitlements/rule-rows";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { TextField } from "@/components/ui/field";
import { createChannelAction, deleteChannelAction, updateChannelAction } from "@/lib/entitlements/actions";
import { ZChannelFields, type TCreateChannelInput, type TImageRule, type TUpdateChannelInput } from "@/lib/entitlements/schema";

type Values = { name: string; rules: RuleValues[] };
const toInput = (values: Values) => ({ name: values.name, rules: toRuleInputs(values.rules) });

/** Adds a channel (applicationId given) or edits one (channel given). */
export function ChannelForm({ applicationId, channel, registries }: { applicationId: string; channel?: { id: string; name: string; rules: TImageRule[] }; registries: RegistryOption[] }) {
  const router = useRouter();
  const form = useForm<Values>({
    resolver: schemaResolver<Values>(ZChannelFields, toInput),
    defaultValues: channel ? { name: channel.name, rules: channel.rules.map(toRuleValues) } : { name: "", rules: [{ ...EMPTY_RULE, registryId: registries.length === 1 ? registries[0]!.id : "" }] },
  });
  async function onSubmit(values: Values) {
    const result = channel
      ? await callAction(updateChannelAction, { channelId: channel.id, ...toInput(values) } satisfies TUpdateChannelInput)
      : await callAction(createChannelAction, { applicationId, ...toInput(values) } satisfies TCreateChannelInput);
    if (!result.ok) return showActionError(form, result.error, ["name"]);
    toast.success(channel ? `Saved channel ${values.name.trim()}` : `Added channel ${values.name.trim()}`);
    if (!channel) form.reset();
    router.refresh();
  }
  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" aria-label={channel ? `Channel ${channel.name}` : "New channel"}>
      <FormError message={form.formState.errors.root?.server?.message} />
      <TextField label="Channel name" placeholder="Stable" maxLength={60} autoComplete="off" error={form.formState.errors.name?.message} {...form.register("name")} />
      <RuleRows
        control={form.control as unknown as Control<{ rules: RuleValues[] }>}
        register={form.register as unknown as UseFormRegister<{ rules: RuleValues[] }>}
        errors={form.formState.errors as FieldErrors<{ rules: RuleValues[] }>}
        registries={registries}
      />
      <Button type="submit" pending={form.formState.isSubmitting}>
        {channel ? "Save channel" : "Add channel"}
      </Button>
    </form>
  );
}

export function DeleteChannelDialog({ channelId, name, customerCount }: { channelId: string; name: string; customerCount: number }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel={
        <>
          Delete<span className="sr-only"> channel {name}</span>
        </>
      }
      triggerSize="sm"
      title={`Delete channel ${name}?`}
      description={<p>{customerCount === 0 ? "No customer is on this channel." : `${customerCount} customers lose what this channel allowed within 2 seconds; their own rules stay.`}</p>}
      confirmLabel="Delete channel"
      onConfirm={async () => {
        const result = await callAction(deleteChannelAction, { channelId });
        if (!result.ok) return result.error.message;
        toast.success(`Deleted channel ${name}`);
        router.refresh();
      }}
    />
  );
}
