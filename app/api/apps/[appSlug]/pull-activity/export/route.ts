import { getApplicationBySlug } from "@/lib/applications/service";
import { getSession } from "@/lib/auth/session";
import { csvDownload, downloadDay } from "@/lib/http/csv-download";
import { parsePullActivityFilters } from "@/lib/pull-activity/schema";
import { pullActivityCsv } from "@/lib/pull-activity/service";

export const dynamic = "force-dynamic";

/**
 * The Pull activity page's rows as CSV, with the same filters (from the query
 * string) and the same tenant scoping: another team's application is a 404.
 * Streamed in batches; a read, so any role of the team may export.
 */
export async function GET(request: Request, { params }: { params: Promise<{ appSlug: string }> }) {
  const session = await getSession();
  if (!session) return Response.json({ ok: false, error: { code: "session_expired", message: "Your session has expired. Sign in again to continue." } }, { status: 401 });
  const { appSlug } = await params;
  const application = await getApplicationBySlug(session.team.id, appSlug);
  if (!application) return Response.json({ ok: false, error: { code: "not_found", message: "Not found. It may have been deleted, or it belongs to another team." } }, { status: 404 });
  const filters = parsePullActivityFilters(new URL(request.url).searchParams);
  const rows = pullActivityCsv(session.team.id, application.id, filters);
  return csvDownload(rows, `pull-activity-${application.slug}-${downloadDay()}.csv`);
}
