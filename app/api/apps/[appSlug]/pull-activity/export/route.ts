import { getApplicationBySlug } from "@/lib/applications/service";
import { getSession } from "@/lib/auth/session";
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
      "content-disposition": `attachment; filename="pull-activity-${application.slug}-${day}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
