import { apiRoute } from "@/lib/api/route";
import { getOidcValuesEndpoint } from "@/lib/api/endpoints/oidc";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getOidcValuesEndpoint);
