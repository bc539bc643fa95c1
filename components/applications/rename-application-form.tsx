"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { callAction, showActionError } from "@/components/forms/action-result";
import { FormError } from "@/components/forms/form-error";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { renameApplicationAction } from "@/lib/applications/actions";
import { ZRenameApplicationInput, type TRenameApplicationInput } from "@/lib/applications/schema";

/** Renames an application; its slug, and so its links, stay the same. */
export function RenameApplicationForm({ applicationId, name }: { applicationId: string; name: string }) {
  const router = useRouter();
  const form = useForm<TRenameApplicationInput>({ resolver: zodResolver(ZRenameApplicationInput), defaultValues: { applicationId, name } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: TRenameApplicationInput) {
    const result = await callAction(renameApplicationAction, values);
    if (!result.ok) return showActionError(form, result.error, ["name"]);
    form.reset({ applicationId, name: result.data.name });
    toast.success(`Renamed to ${result.data.name}`);
    router.refresh();
  }

  return (
    <form noValidate onSubmit={form.handleSubmit(onSubmit)} className="space-y-4">
      <FormError message={errors.root?.server?.message} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <TextField
          label="Application name"
          hint="The address of the application's pages does not change."
          maxLength={80}
          autoComplete="off"
          error={errors.name?.message}
          fieldClassName="flex-1"
          {...form.register("name")}
        />
        <Button type="submit" variant="secondary" pending={isSubmitting} className="sm:mt-7">
          Rename
        </Button>
      </div>
    </form>
  );
}
