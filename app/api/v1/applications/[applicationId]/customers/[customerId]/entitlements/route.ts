import { getEntitlementsEndpoint, updateEntitlementsEndpoint } from "@/lib/api/endpoints/entitlements";

export const dynamic = "force-dynamic";
export const GET = getEntitlementsEndpoint.handler;
export const PUT = updateEntitlementsEndpoint.handler;
