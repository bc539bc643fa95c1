import { createWebhookEndpointEndpoint, listWebhooksEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const GET = listWebhooksEndpoint.handler;
export const POST = createWebhookEndpointEndpoint.handler;
