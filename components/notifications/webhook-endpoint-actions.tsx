"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { SecretOnce } from "@/components/notifications/secret-once";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteWebhookEndpointAction, resendDeliveryAction, rotateWebhookSecretAction, sendTestEventAction } from "@/lib/notifications/actions";

export function SendTestEventButton({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="primary"
      size="sm"
      pending={pending}
      disabled={disabled}
      onClick={async () => {
        setPending(true);
        const result = await callAction(sendTestEventAction, { endpointId });
        setPending(false);
        if (!result.ok) return void toast.error(result.error.message);
        toast.success("Test event queued: it appears below within seconds");
        // The worker delivers within a second or two; show the attempt without a manual reload.
        for (const delay of [1_500, 3_500, 7_000]) setTimeout(() => router.refresh(), delay);
        router.refresh();
      }}
    >
      Send test event
    </Button>
  );
}

export function ResendDeliveryButton({ endpointId, deliveryId, eventType }: { endpointId: string; deliveryId: string; eventType: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="secondary"
      size="sm"
      pending={pending}
      onClick={async () => {
        setPending(true);
        const result = await callAction(resendDeliveryAction, { endpointId, deliveryId });
        setPending(false);
        if (!result.ok) return void toast.error(result.error.message);
        toast.success("Delivery queued again");
        for (const delay of [1_500, 3_500, 7_000]) setTimeout(() => router.refresh(), delay);
        router.refresh();
      }}
    >
      Resend<span className="sr-only"> {eventType}</span>
    </Button>
  );
}

export function RotateSecretDialog({ endpointId }: { endpointId: string }) {
  const router = useRouter();
  const [secret, setSecret] = useState<{ value: string; until: string | null } | null>(null);
  return (
    <div className="space-y-3">
      {secret && <SecretOnce secret={secret.value} note={secret.until ? `Until ${new Date(secret.until).toLocaleString()}, requests carry signatures with both the old and the new secret.` : undefined} />}
      <ConfirmDialog
        triggerLabel="Rotate secret"
        triggerVariant="secondary"
        triggerSize="sm"
        destructive={false}
        title="Rotate the signing secret?"
        description={<p>A new secret signs from now on. For the next 24 hours the old one signs too (both signatures are sent), so you can update your receiver without missing an event.</p>}
        confirmLabel="Rotate secret"
        onConfirm={async () => {
          const result = await callAction(rotateWebhookSecretAction, { endpointId, overlapHours: 24 });
          if (!result.ok) return result.error.message;
          setSecret({ value: result.data.secret, until: result.data.previousSecretExpiresAt });
          router.refresh();
        }}
      />
    </div>
  );
}

export function DeleteEndpointDialog({ endpointId, url }: { endpointId: string; url: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      triggerLabel="Delete endpoint"
      triggerSize="sm"
      title="Delete this endpoint?"
      description={<p>No more events are sent to {url}, and its delivery history is removed.</p>}
      confirmLabel="Delete endpoint"
      onConfirm={async () => {
        const result = await callAction(deleteWebhookEndpointAction, { endpointId });
        if (!result.ok) return result.error.message;
        toast.success("Endpoint deleted");
        router.push("/team/webhooks");
      }}
    />
  );
}
