import { apiRoute } from "@/lib/api/route";
import { deleteChannelEndpoint, getChannelEndpoint, updateChannelEndpoint } from "@/lib/api/endpoints/entitlements";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getChannelEndpoint, updateChannelEndpoint, deleteChannelEndpoint);
