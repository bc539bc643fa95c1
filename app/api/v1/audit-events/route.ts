import { listAuditEventsEndpoint } from "@/lib/api/endpoints/audit-events";

export const dynamic = "force-dynamic";
export const GET = listAuditEventsEndpoint.handler;
