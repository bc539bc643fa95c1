import { apiRoute } from "@/lib/api/route";
import { setRegistryAppAccessEndpoint } from "@/lib/api/endpoints/registries";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(setRegistryAppAccessEndpoint);
