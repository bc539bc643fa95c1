import { auditEventsCsv } from "@/lib/audit/csv";
import { ZAuditListQuery } from "@/lib/audit/list-query";
import { getSession } from "@/lib/auth/session";
import { firstValues } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

/**
 * The audit log as CSV with the page's filters (from the query string), for
 * the signed-in team only. Streamed as the database returns batches; a read,
 * so any role of the team may export, as any role may see the page.
 */
export async function GET(request: Request) {
  const session = await getSession();
  if (!session) return Response.json({ ok: false, error: { code: "session_expired", message: "Your session has expired. Sign in again to continue." } }, { status: 401 });
  const query = ZAuditListQuery.parse(firstValues(new URL(request.url).searchParams));
  const rows = auditEventsCsv(session.team.id, query);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await rows.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-log-${day}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
