import "server-only";
// /audit-events: the team's audit log, newest first.
import { defineEndpoint } from "@/lib/api/endpoint";
import { pageOf, ZApiAuditEvent, ZPageQuery } from "@/lib/api/schemas";
import { listAuditEventsPage } from "@/lib/audit/service";

export const listAuditEventsEndpoint = defineEndpoint(
  {
    method: "get",
    path: "/audit-events",
    operationId: "listAuditEvents",
    tag: "Audit log",
    summary: "List audit events",
    description: "Newest first. Every API call is recorded as api.request with the token as actor, besides the event of what it changed.",
    minimumRole: "VIEWER",
    what: "read the audit log",
    query: ZPageQuery,
    response: pageOf(ZApiAuditEvent, "AuditEventPage"),
    errors: ["invalid_input"],
  },
  async ({ principal, query }) => {
    const page = await listAuditEventsPage(principal.team.id, query);
    return {
      data: page.items.map((event) => ({
        id: event.id,
        createdAt: event.createdAt.toISOString(),
        action: event.action,
        actor: event.actorTokenId
          ? { type: "token" as const, tokenId: event.actorTokenId, name: event.actorToken?.name ?? null }
          : event.actorUserId || event.actorEmail
            ? { type: "user" as const, userId: event.actorUserId, email: event.actorEmail }
            : { type: "system" as const },
        target: event.targetType ? { type: event.targetType, id: event.targetId } : null,
        metadata: event.metadata && typeof event.metadata === "object" && !Array.isArray(event.metadata) ? (event.metadata as Record<string, unknown>) : {},
      })),
      nextCursor: page.nextCursor,
    };
  },
);
