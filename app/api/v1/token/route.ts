import { getCurrentTokenEndpoint } from "@/lib/api/endpoints/tokens";

export const dynamic = "force-dynamic";
export const GET = getCurrentTokenEndpoint.handler;
