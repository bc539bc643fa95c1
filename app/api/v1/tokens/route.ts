import { createTokenEndpoint, listTokensEndpoint } from "@/lib/api/endpoints/tokens";

export const dynamic = "force-dynamic";
export const GET = listTokensEndpoint.handler;
export const POST = createTokenEndpoint.handler;
