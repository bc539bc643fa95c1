import { buildOpenApiDocument } from "@/lib/api/openapi";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of /api/v1; public, like any API description. */
export function GET() {
  return Response.json(buildOpenApiDocument(), { headers: { "cache-control": "no-cache" } });
}
