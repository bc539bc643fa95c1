import { apiRoute } from "@/lib/api/route";
import { listAuditEventsEndpoint } from "@/lib/api/endpoints/audit-events";

export const dynamic = "force-dynamic";
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute(listAuditEventsEndpoint);
