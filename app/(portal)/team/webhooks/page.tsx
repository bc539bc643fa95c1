import type { Metadata } from "next";
import Link from "next/link";
import { WebhookEndpointForm } from "@/components/notifications/webhook-endpoint-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { PageHeader } from "@/components/ui/page-header";
import { requireSession } from "@/lib/auth/session";
import { listWebhookEndpoints } from "@/lib/notifications/webhook-endpoints";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const session = await requireSession();
  const canManage = roleAtLeast(session.role, "MEMBER");
  const endpoints = await listWebhookEndpoints(session.team.id);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          <>
            The portal POSTs signed events to your endpoints when a registry breaks, recovers or goes stale and when a license is about to expire. Payloads are documented in the{" "}
            <Link href="/api-reference" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
              API reference
            </Link>
            . Your own email: <Link href="/team/notifications" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">Notifications</Link>.
          </>
        }
      />
      <div className="space-y-8">
        {canManage ? (
          <Card title="Add endpoint" description="Its signing secret is shown once. Failed deliveries are retried for 24 hours; an endpoint failing for 3 days is disabled.">
            <WebhookEndpointForm />
          </Card>
        ) : (
          <Alert>Viewers see the endpoints; admins and members add and change them.</Alert>
        )}
        <Card title="Endpoints" flush={endpoints.length > 0}>
          {endpoints.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">No endpoints yet.</p>
          ) : (
            <Table label="Webhook endpoints">
              <THead>
                <tr>
                  <Th>URL</Th>
                  <Th>Events</Th>
                  <Th>State</Th>
                </tr>
              </THead>
              <TBody>
                {endpoints.map((endpoint) => (
                  <tr key={endpoint.id}>
                    <Td className="max-w-md">
                      <Link href={`/team/webhooks/${endpoint.id}`} className="font-medium break-all text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                        {endpoint.url}
                      </Link>
                      {endpoint.description && <span className="block text-xs text-zinc-500">{endpoint.description}</span>}
                    </Td>
                    <Td className="text-xs">{endpoint.eventTypes.join(", ")}</Td>
                    <Td>{endpoint.enabled ? endpoint.failingSince ? <Badge tone="warning">Failing</Badge> : <Badge tone="success">Enabled</Badge> : <Badge tone="neutral">{endpoint.disabledReason ? "Disabled by the portal" : "Disabled"}</Badge>}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
