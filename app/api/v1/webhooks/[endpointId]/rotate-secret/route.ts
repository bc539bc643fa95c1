import { apiRoute } from "@/lib/api/route";
import { rotateWebhookSecretEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(rotateWebhookSecretEndpoint);
