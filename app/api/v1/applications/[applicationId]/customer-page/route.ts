import { apiRoute } from "@/lib/api/route";
import { getCustomerPageEndpoint, updateCustomerPageEndpoint } from "@/lib/api/endpoints/customer-page";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(getCustomerPageEndpoint, updateCustomerPageEndpoint);
