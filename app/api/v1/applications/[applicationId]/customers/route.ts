import { createCustomerEndpoint, listCustomersEndpoint } from "@/lib/api/endpoints/customers";

export const dynamic = "force-dynamic";
export const GET = listCustomersEndpoint.handler;
export const POST = createCustomerEndpoint.handler;
