import { apiRoute } from "@/lib/api/route";
import { getLastRegistryTestEndpoint, runRegistryTestEndpoint } from "@/lib/api/endpoints/registry-tests";

export const dynamic = "force-dynamic";
// A test makes real AWS calls with a deadline of its own; the answer waits for it.
export const maxDuration = 120;
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getLastRegistryTestEndpoint, runRegistryTestEndpoint);
