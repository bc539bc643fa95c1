import { apiRoute } from "@/lib/api/route";
import { createApplicationEndpoint, listApplicationsEndpoint } from "@/lib/api/endpoints/applications";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listApplicationsEndpoint, createApplicationEndpoint);
