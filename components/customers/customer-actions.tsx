"use client";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { regenerateLicenseAction, restoreCustomerAction, revokeCustomerAction } from "@/lib/customers/actions";

export function RevokeCustomerDialog({ customerId, name }: { customerId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Revoke license"
      title={`Revoke ${name}'s license?`}
      description={<p>{name} can no longer sign in to the registry or pull images, starting now. Images already pulled keep running. You can restore the license later.</p>}
      confirmLabel="Revoke license"
      onConfirm={async () => {
        const result = await callAction(revokeCustomerAction, { customerId });
        if (!result.ok) return result.error.message;
        toast.success(`Revoked ${name}'s license`);
        router.refresh();
      }}
    />
  );
}

export function RestoreCustomerDialog({ customerId, name }: { customerId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Restore license"
      triggerVariant="secondary"
      destructive={false}
      title={`Restore ${name}'s license?`}
      description={<p>The same license works again at once. If it may have leaked, regenerate it instead after restoring.</p>}
      confirmLabel="Restore license"
      onConfirm={async () => {
        const result = await callAction(restoreCustomerAction, { customerId });
        if (!result.ok) return result.error.message;
        toast.success(`Restored ${name}'s license`);
        router.refresh();
      }}
    />
  );
}

export function RegenerateLicenseDialog({ customerId, name }: { customerId: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Regenerate license"
      triggerVariant="secondary"
      title={`Regenerate ${name}'s license?`}
      description={
        <p>
          The current license stops working at once: {name} must sign in again with the new one (docker login, and the Kubernetes pull secret). Your other customers are not
          affected.
        </p>
      }
      confirmLabel="Regenerate license"
      onConfirm={async () => {
        const result = await callAction(regenerateLicenseAction, { customerId });
        if (!result.ok) return result.error.message;
        toast.success("New license generated; give the updated instructions to the customer");
        router.refresh();
      }}
    />
  );
}
