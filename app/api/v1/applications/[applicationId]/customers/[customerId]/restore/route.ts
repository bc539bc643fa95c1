import { apiRoute } from "@/lib/api/route";
import { restoreCustomerEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(restoreCustomerEndpoint);
