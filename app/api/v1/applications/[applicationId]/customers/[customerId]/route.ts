import { getCustomerEndpoint, updateCustomerEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const GET = getCustomerEndpoint.handler;
export const PUT = updateCustomerEndpoint.handler;
