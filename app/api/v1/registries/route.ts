import { createRegistryEndpoint, listRegistriesEndpoint } from "@/lib/api/endpoints/registries";

export const dynamic = "force-dynamic";
export const GET = listRegistriesEndpoint.handler;
export const POST = createRegistryEndpoint.handler;
