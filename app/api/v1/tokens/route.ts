import { apiRoute } from "@/lib/api/route";
import { createTokenEndpoint, listTokensEndpoint } from "@/lib/api/endpoints/tokens";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listTokensEndpoint, createTokenEndpoint);
