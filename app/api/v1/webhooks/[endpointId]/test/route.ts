import { apiRoute } from "@/lib/api/route";
import { sendWebhookTestEventEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(sendWebhookTestEventEndpoint);
