import { resendWebhookDeliveryEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const POST = resendWebhookDeliveryEndpoint.handler;
