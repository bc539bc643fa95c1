import { apiRoute } from "@/lib/api/route";
import { getCustomerEndpoint, patchCustomerEndpoint, updateCustomerEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getCustomerEndpoint, updateCustomerEndpoint, patchCustomerEndpoint);
