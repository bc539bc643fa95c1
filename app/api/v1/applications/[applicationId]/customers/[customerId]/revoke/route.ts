import { revokeCustomerEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const POST = revokeCustomerEndpoint.handler;
