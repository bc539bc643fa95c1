"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createCustomerAction, updateCustomerAction } from "@/lib/customers/actions";
import { ZCreateCustomerForm, ZUpdateCustomerInput, type TCreateCustomerInput, type TUpdateCustomerInput } from "@/lib/customers/schema";

type Values = { name: string; email: string; expiresOn: string };

function CustomerFields({ form, autoFocus }: { form: ReturnType<typeof useForm<Values>>; autoFocus?: boolean }) {
  const { errors } = form.formState;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <TextField label="Name" hint="Shown to your team only, e.g. the customer's company." maxLength={120} autoComplete="off" autoFocus={autoFocus} error={errors.name?.message} {...form.register("name")} />
      <TextField
        label="Email (optional)"
        type="email"
        hint="The customer may also sign in to the registry with this as the user name."
        maxLength={254}
        autoComplete="off"
        error={errors.email?.message}
        {...form.register("email")}
      />
      <TextField
        label="License expires after (optional)"
        type="date"
        hint="The license works through the end of this day (UTC). Leave empty for no expiry."
        error={errors.expiresOn?.message}
        {...form.register("expiresOn")}
      />
    </div>
  );
}

/** Adds a customer and opens its page, where the license and pull instructions are. */
export function CreateCustomerForm({ applicationId, appSlug }: { applicationId: string; appSlug: string }) {
  const router = useRouter();
  const form = useForm<Values>({
    resolver: zodResolver(ZCreateCustomerForm, undefined, { raw: true }),
    defaultValues: { name: "", email: "", expiresOn: "" },
  });
  async function onSubmit(values: Values) {
    const input: TCreateCustomerInput = { applicationId, ...values };
    const result = await callAction(createCustomerAction, input);
    if (!result.ok) return showActionError(form, result.error, ["name", "email", "expiresOn"]);
    toast.success(`Added ${values.name.trim()}`);
    router.push(`/apps/${appSlug}/customers/${result.data.customerId}`);
  }
  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
      <FormError message={form.formState.errors.root?.server?.message} />
      <CustomerFields form={form} autoFocus />
      <Button type="submit" pending={form.formState.isSubmitting}>
        Add customer
      </Button>
    </form>
  );
}

export function EditCustomerForm({ customer }: { customer: { id: string; name: string; email: string | null; expiresOn: string } }) {
  const router = useRouter();
  const form = useForm<Values>({
    resolver: zodResolver(ZUpdateCustomerInput.omit({ customerId: true }), undefined, { raw: true }),
    defaultValues: { name: customer.name, email: customer.email ?? "", expiresOn: customer.expiresOn },
  });
  async function onSubmit(values: Values) {
    const input: TUpdateCustomerInput = { customerId: customer.id, ...values };
    const result = await callAction(updateCustomerAction, input);
    if (!result.ok) return showActionError(form, result.error, ["name", "email", "expiresOn"]);
    toast.success(`Saved ${result.data.name}`);
    router.refresh();
  }
  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
      <FormError message={form.formState.errors.root?.server?.message} />
      <CustomerFields form={form} />
      <Button type="submit" variant="secondary" pending={form.formState.isSubmitting}>
        Save changes
      </Button>
    </form>
  );
}
