"use client";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { revokeApiTokenAction } from "@/lib/api-tokens/actions";

export function RevokeApiTokenDialog({ tokenId, name }: { tokenId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel={
        <>
          Revoke<span className="sr-only"> {name}</span>
        </>
      }
      triggerVariant="secondary"
      triggerSize="sm"
      title={`Revoke ${name}?`}
      description={<p>Scripts and CI jobs using this token get 401 Unauthorized from their next request. This cannot be undone; create a new token to replace it.</p>}
      confirmLabel="Revoke token"
      onConfirm={async () => {
        const result = await callAction(revokeApiTokenAction, { tokenId });
        if (!result.ok) return result.error.message;
        toast.success(`Token ${name} revoked`);
        router.refresh();
      }}
    />
  );
}
