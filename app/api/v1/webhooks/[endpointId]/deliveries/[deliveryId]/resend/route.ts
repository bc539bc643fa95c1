import { apiRoute } from "@/lib/api/route";
import { resendWebhookDeliveryEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(resendWebhookDeliveryEndpoint);
