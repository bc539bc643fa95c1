import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { WebhookDeliveries } from "@/components/notifications/webhook-deliveries";
import { DeleteEndpointDialog, RotateSecretDialog, SendTestEventButton } from "@/components/notifications/webhook-endpoint-actions";
import { WebhookEndpointForm } from "@/components/notifications/webhook-endpoint-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { requireSession } from "@/lib/auth/session";
import { getWebhookEndpoint, listWebhookDeliveries } from "@/lib/notifications/webhook-endpoints";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function WebhookEndpointPage({ params }: { params: Promise<{ endpointId: string }> }) {
  const session = await requireSession();
  const { endpointId } = await params;
  const endpoint = await getWebhookEndpoint(session.team.id, endpointId);
  if (!endpoint) notFound();
  const deliveries = await listWebhookDeliveries(session.team.id, endpoint.id);
  const canManage = roleAtLeast(session.role, "MEMBER");
  return (
    <>
      <PageHeader title="Webhook endpoint" description={<span className="break-all">{endpoint.url}</span>} actions={canManage ? <SendTestEventButton endpointId={endpoint.id} disabled={!endpoint.enabled} /> : undefined} />
      <div className="space-y-8">
        {endpoint.disabledReason && !endpoint.enabled && <Alert tone="error" title="Disabled by the portal">{endpoint.disabledReason}</Alert>}
        {endpoint.enabled && endpoint.failingSince && (
          <Alert tone="warning" title="Deliveries are failing">
            Every delivery has failed since <LocalTime value={endpoint.failingSince.toISOString()} />. The portal retries with back-off and disables the endpoint after 3 days of failures.
          </Alert>
        )}
        {endpoint.previousSecretExpiresAt && (
          <Alert>
            Secret rotation in progress: requests carry signatures with both secrets until <LocalTime value={endpoint.previousSecretExpiresAt.toISOString()} />.
          </Alert>
        )}
        <Card title="Deliveries" description="The last 30 days, newest first. Each attempt shows the request the portal sent and the first KiB of the answer." flush={deliveries.length > 0}>
          {deliveries.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">No deliveries yet. Send a test event to check your receiver.</p> : <WebhookDeliveries endpointId={endpoint.id} deliveries={deliveries} canResend={canManage && endpoint.enabled} />}
        </Card>
        {canManage && (
          <>
            <Card title="Settings">
              <WebhookEndpointForm endpoint={endpoint} />
            </Card>
            <Card title="Signing secret" description="Rotate it when it may have leaked, or on a schedule.">
              <RotateSecretDialog endpointId={endpoint.id} />
            </Card>
            <Card title="Delete">
              <DeleteEndpointDialog endpointId={endpoint.id} url={endpoint.url} />
            </Card>
          </>
        )}
      </div>
    </>
  );
}
