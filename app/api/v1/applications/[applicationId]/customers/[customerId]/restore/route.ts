import { restoreCustomerEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const POST = restoreCustomerEndpoint.handler;
