import { sendWebhookTestEventEndpoint } from "@/lib/api/endpoints/webhooks";

export const dynamic = "force-dynamic";
export const POST = sendWebhookTestEventEndpoint.handler;
