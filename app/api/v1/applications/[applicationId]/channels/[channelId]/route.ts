import { deleteChannelEndpoint, getChannelEndpoint, updateChannelEndpoint } from "@/lib/api/endpoints/entitlements";

export const dynamic = "force-dynamic";
export const GET = getChannelEndpoint.handler;
export const PUT = updateChannelEndpoint.handler;
export const DELETE = deleteChannelEndpoint.handler;
