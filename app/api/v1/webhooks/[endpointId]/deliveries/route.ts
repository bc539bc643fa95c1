import { listWebhookDeliveriesEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const GET = listWebhookDeliveriesEndpoint.handler;
