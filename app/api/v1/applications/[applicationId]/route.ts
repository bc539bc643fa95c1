import { apiRoute } from "@/lib/api/route";
import { deleteApplicationEndpoint, getApplicationEndpoint, renameApplicationEndpoint } from "@/lib/api/endpoints/applications";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getApplicationEndpoint, renameApplicationEndpoint, deleteApplicationEndpoint);
