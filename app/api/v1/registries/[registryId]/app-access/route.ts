import { setRegistryAppAccessEndpoint } from "@/lib/api/endpoints/registries";

export const dynamic = "force-dynamic";
export const PUT = setRegistryAppAccessEndpoint.handler;
