import { getApplicationBySlug } from "@/lib/applications/service";
import { getSession } from "@/lib/auth/session";
import { csvDownload, downloadDay } from "@/lib/http/csv-download";
import { fieldErrorsOf } from "@/lib/http/result";
import { describeUnstorableText, findUnstorableText } from "@/lib/http/storable-text";
import { firstValues } from "@/lib/lists/search-params";
import { parsePullActivityFilters, ZPullActivityQuery } from "@/lib/pull-activity/schema";
import { pullActivityCsv } from "@/lib/pull-activity/service";

export const dynamic = "force-dynamic";

/**
 * The Pull activity page's rows as CSV, with the same filters (from the query
 * string) and the same tenant scoping: another team's application is a 404.
 * Streamed in batches; a read, so any role of the team may export. The
 * filters are checked as strictly as the API's: a bad one is a 400 naming it,
 * never a wider export than asked for.
 */
export async function GET(request: Request, { params }: { params: Promise<{ appSlug: string }> }) {
  const session = await getSession();
  if (!session) return Response.json({ ok: false, error: { code: "session_expired", message: "Your session has expired. Sign in again to continue." } }, { status: 401 });
  const { appSlug } = await params;
  const application = findUnstorableText(appSlug) ? null : await getApplicationBySlug(session.team.id, appSlug);
  if (!application) return Response.json({ ok: false, error: { code: "not_found", message: "Not found. It may have been deleted, or it belongs to another team." } }, { status: 404 });
  const searchParams = new URL(request.url).searchParams;
  const fieldErrors = exportFilterErrors(firstValues(searchParams));
  if (fieldErrors) return Response.json({ ok: false, error: { code: "invalid_input", message: "Some filters of the export need attention.", fieldErrors } }, { status: 400 });
  const rows = pullActivityCsv(session.team.id, application.id, parsePullActivityFilters(searchParams));
  return csvDownload(rows, `pull-activity-${application.slug}-${downloadDay()}.csv`);
}

function exportFilterErrors(raw: Record<string, string>): Record<string, string> | null {
  const { page: _page, ...given } = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== ""));
  const unstorable = findUnstorableText(given);
  if (unstorable) return { [unstorable.field]: describeUnstorableText(unstorable) };
  const parsed = ZPullActivityQuery.safeParse(given);
  return parsed.success ? null : fieldErrorsOf(parsed.error);
}
