import { apiRoute } from "@/lib/api/route";
import { deleteRegistryEndpoint, getRegistryEndpoint, patchRegistryEndpoint, updateRegistryEndpoint } from "@/lib/api/endpoints/registries";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getRegistryEndpoint, updateRegistryEndpoint, patchRegistryEndpoint, deleteRegistryEndpoint);
