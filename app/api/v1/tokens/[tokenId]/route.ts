import { apiRoute } from "@/lib/api/route";
import { revokeTokenEndpoint } from "@/lib/api/endpoints/tokens";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(revokeTokenEndpoint);
