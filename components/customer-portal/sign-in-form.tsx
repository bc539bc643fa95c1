"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { customerSignInAction, customerSignOutAction } from "@/lib/customer-portal/actions";
import { ZCustomerSignInInput, type TCustomerSignInInput } from "@/lib/customer-portal/schema";

export function CustomerSignInForm() {
  const router = useRouter();
  const form = useForm<TCustomerSignInInput>({ resolver: zodResolver(ZCustomerSignInInput, undefined, { raw: true }), defaultValues: { licenseId: "" } });
  async function onSubmit(values: TCustomerSignInInput) {
    const result = await callAction(customerSignInAction, values);
    if (!result.ok) return showActionError(form, result.error, ["licenseId"]);
    router.refresh();
  }
  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" aria-label="Sign in with your license">
      <FormError message={form.formState.errors.root?.server?.message} />
      <TextField label="License ID" type="password" autoComplete="off" autoFocus placeholder="lic_…" hint="The license your vendor gave you; the same one you log in to the registry with." error={form.formState.errors.licenseId?.message} {...form.register("licenseId")} />
      <Button type="submit" pending={form.formState.isSubmitting} className="w-full">
        Sign in
      </Button>
    </form>
  );
}

export function CustomerSignOutButton() {
  const router = useRouter();
  return (
    <Button
      type="button"
      variant="secondary"
      size="sm"
      onClick={async () => {
        await callAction(customerSignOutAction, null);
        router.refresh();
      }}
    >
      Sign out
    </Button>
  );
}
