import { deleteRegistryEndpoint, getRegistryEndpoint, updateRegistryEndpoint } from "@/lib/api/endpoints/registries";

export const dynamic = "force-dynamic";
export const GET = getRegistryEndpoint.handler;
export const PUT = updateRegistryEndpoint.handler;
export const DELETE = deleteRegistryEndpoint.handler;
