"use client";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteApplicationAction } from "@/lib/applications/actions";

/** "Delete application", confirmed by typing the application's name. */
export function DeleteApplicationDialog({ applicationId, name }: { applicationId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Delete application"
      title={`Delete ${name}?`}
      description={
        <p>
          This permanently deletes <strong>{name}</strong> and its registry access settings. It cannot be undone.
        </p>
      }
      confirmationText={name}
      confirmLabel="Delete permanently"
      onConfirm={async () => {
        const result = await callAction(deleteApplicationAction, { applicationId });
        if (!result.ok) return result.error.message;
        toast.success(`Deleted ${name}`);
        router.push("/apps");
      }}
    />
  );
}
