import { apiRoute } from "@/lib/api/route";
import { createWebhookEndpointEndpoint, listWebhooksEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listWebhooksEndpoint, createWebhookEndpointEndpoint);
