export const dynamic = "force-dynamic";

/** Liveness: the process answers. Never asks the database (readiness does: /api/ready). */
export function GET() {
  return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
}
