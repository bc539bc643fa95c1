"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { createApplicationAction } from "@/lib/applications/actions";
import { ZCreateApplicationInput, type TCreateApplicationInput } from "@/lib/applications/schema";

/** Creates an application and opens it. */
export function CreateApplicationForm({ autoFocus = false }: { autoFocus?: boolean }) {
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  const form = useForm<TCreateApplicationInput>({ resolver: zodResolver(ZCreateApplicationInput), defaultValues: { name: "" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TCreateApplicationInput) {
    const result = await callAction(createApplicationAction, values);
    if (!result.ok) return showActionError(form, result.error, ["name"]);
    toast.success(`Created ${values.name}`);
    setLeaving(true);
    router.push(`/apps/${result.data.slug}`);
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
      <FormError message={errors.root?.server?.message} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <TextField
          label="Application name"
          hint="For example the product you ship, such as “Web shop”. You can rename it later."
          maxLength={80}
          autoComplete="off"
          error={errors.name?.message}
          fieldClassName="flex-1"
          autoFocus={autoFocus}
          {...form.register("name")}
        />
        <Button type="submit" pending={isSubmitting || leaving} className="sm:mt-7">
          Create application
        </Button>
      </div>
    </form>
  );
}
