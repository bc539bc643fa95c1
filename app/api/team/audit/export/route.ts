import { auditEventsCsv } from "@/lib/audit/csv";
import { ZAuditListQuery } from "@/lib/audit/list-query";
import { getSession } from "@/lib/auth/session";
import { csvDownload, downloadDay } from "@/lib/http/csv-download";
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
  return csvDownload(rows, `audit-log-${downloadDay()}.csv`);
}
