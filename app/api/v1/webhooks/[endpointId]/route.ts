import { deleteWebhookEndpointEndpoint, getWebhookEndpointEndpoint, updateWebhookEndpointEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const GET = getWebhookEndpointEndpoint.handler;
export const PUT = updateWebhookEndpointEndpoint.handler;
export const DELETE = deleteWebhookEndpointEndpoint.handler;
