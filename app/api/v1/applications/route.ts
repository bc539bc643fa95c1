import { createApplicationEndpoint, listApplicationsEndpoint } from "@/lib/api/endpoints/applications";

export const dynamic = "force-dynamic";
export const GET = listApplicationsEndpoint.handler;
export const POST = createApplicationEndpoint.handler;
