import { createChannelEndpoint, listChannelsEndpoint } from "@/lib/api/endpoints/entitlements";

export const dynamic = "force-dynamic";
export const GET = listChannelsEndpoint.handler;
export const POST = createChannelEndpoint.handler;
