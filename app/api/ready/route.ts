import { checkReadiness } from "@/lib/http/readiness";

export const dynamic = "force-dynamic";

/** Readiness, for load balancers: 503 while the database is unreachable (liveness is /api/health). */
export async function GET() {
  const readiness = await checkReadiness();
  return Response.json(readiness, { status: readiness.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
