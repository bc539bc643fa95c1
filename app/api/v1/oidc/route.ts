import { getOidcValuesEndpoint } from "@/lib/api/endpoints/oidc";

export const dynamic = "force-dynamic";
export const GET = getOidcValuesEndpoint.handler;
