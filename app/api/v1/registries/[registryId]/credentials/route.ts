import { replaceRegistryCredentialsEndpoint } from "@/lib/api/endpoints/registries";

export const dynamic = "force-dynamic";
export const PUT = replaceRegistryCredentialsEndpoint.handler;
