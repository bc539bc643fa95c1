import { auditEventsCsv } from "@/lib/audit/csv";
import { AUDIT_FILTER_EXPECTATIONS, ZAuditListQuery } from "@/lib/audit/list-query";
import { getSession } from "@/lib/auth/session";
import { csvDownload, downloadDay } from "@/lib/http/csv-download";
import { firstValues, rejectedFilters } from "@/lib/lists/search-params";

export const dynamic = "force-dynamic";

/**
 * The audit log as CSV with the page's filters (from the query string), for
 * the signed-in team only. Streamed as the database returns batches; a read,
 * so any role of the team may export, as any role may see the page. A filter
 * that is not valid is a 400 naming it, never a wider export than asked for.
 */
export async function GET(request: Request) {
  const session = await getSession();
  if (!session) return Response.json({ ok: false, error: { code: "session_expired", message: "Your session has expired. Sign in again to continue." } }, { status: 401 });
  const raw = firstValues(new URL(request.url).searchParams);
  const query = ZAuditListQuery.parse(raw);
  const fieldErrors = rejectedFilters(raw, query, AUDIT_FILTER_EXPECTATIONS);
  if (fieldErrors) return Response.json({ ok: false, error: { code: "invalid_input", message: "Some filters of the export need attention.", fieldErrors } }, { status: 400 });
  return csvDownload(auditEventsCsv(session.team.id, query), `audit-log-${downloadDay()}.csv`);
}
