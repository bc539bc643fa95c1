import { rotateWebhookSecretEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const POST = rotateWebhookSecretEndpoint.handler;
