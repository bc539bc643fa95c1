import { apiRoute } from "@/lib/api/route";
import { createChannelEndpoint, listChannelsEndpoint } from "@/lib/api/endpoints/entitlements";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listChannelsEndpoint, createChannelEndpoint);
