import { apiRoute } from "@/lib/api/route";
import { listPullActivityEndpoint } from "@/lib/api/endpoints/pull-activity";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listPullActivityEndpoint);
