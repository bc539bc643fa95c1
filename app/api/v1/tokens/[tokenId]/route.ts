import { revokeTokenEndpoint } from "@/lib/api/endpoints/tokens";

export const dynamic = "force-dynamic";
export const DELETE = revokeTokenEndpoint.handler;
