"use client";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteRegistryAction } from "@/lib/registries/actions";

/** "Delete registry", confirmed in a dialog; back to the list afterwards. */
export function DeleteRegistryDialog({ registryId, label, appSlug }: { registryId: string; label: string; appSlug: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Delete registry"
      title={`Delete ${label}?`}
      description={
        <p>
          The portal forgets <strong className="break-all">{label}</strong> and its stored credentials, for every application of the team. Nothing changes in AWS. This cannot be
          undone.
        </p>
      }
      confirmLabel="Delete registry"
      onConfirm={async () => {
        const result = await callAction(deleteRegistryAction, { registryId });
        if (!result.ok) return result.error.message;
        toast.success(`Deleted ${label}`);
        router.push(`/apps/${appSlug}/registries`);
      }}
    />
  );
}
