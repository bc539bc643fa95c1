import { buildOpenApiDocument } from "@/lib/api/openapi";
import { methodNotAllowedHandler, optionsHandler } from "@/lib/api/route";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of /api/v1; public, like any API description. */
export function GET() {
  return Response.json(buildOpenApiDocument(), { headers: { "cache-control": "no-cache" } });
}

export const POST = methodNotAllowedHandler(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
export const OPTIONS = optionsHandler(["GET"]);
