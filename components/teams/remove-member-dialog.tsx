"use client";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { removeMemberAction } from "@/lib/teams/actions";

export function RemoveMemberDialog({ membershipId, name, email, teamName }: { membershipId: string; name: string; email: string; teamName: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel={
        <>
          Remove<span className="sr-only"> {email}</span>
        </>
      }
      triggerVariant="secondary"
      triggerSize="sm"
      title={`Remove ${name}?`}
      description={
        <p>
          {email} loses access to {teamName} right away. You can invite them again later.
        </p>
      }
      confirmLabel="Remove member"
      onConfirm={async () => {
        const result = await callAction(removeMemberAction, { membershipId });
        if (!result.ok) return result.error.message;
        toast.success(`Removed ${email}`);
        router.refresh();
      }}
    />
  );
}
