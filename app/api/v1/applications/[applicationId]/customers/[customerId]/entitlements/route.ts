import { apiRoute } from "@/lib/api/route";
import { getEntitlementsEndpoint, updateEntitlementsEndpoint } from "@/lib/api/endpoints/entitlements";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getEntitlementsEndpoint, updateEntitlementsEndpoint);
