import { apiRoute } from "@/lib/api/route";
import { regenerateLicenseEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(regenerateLicenseEndpoint);
