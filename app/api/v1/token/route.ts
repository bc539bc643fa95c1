import { apiRoute } from "@/lib/api/route";
import { getCurrentTokenEndpoint } from "@/lib/api/endpoints/tokens";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getCurrentTokenEndpoint);
