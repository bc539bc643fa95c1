import { API_BASE_PATH } from "@/lib/api/openapi";
import { errorResponse } from "@/lib/api/endpoint";

export const dynamic = "force-dynamic";

/** Any path under /api/v1 that is no operation: a JSON 404 pointing at the document, not the portal's HTML page. */
function noSuchOperation(request: Request) {
  const { pathname } = new URL(request.url);
  return errorResponse("not_found", `There is no API operation at ${request.method} ${pathname}. The operations are listed in ${API_BASE_PATH}/openapi.json.`, crypto.randomUUID());
}

export const GET = noSuchOperation;
export const POST = noSuchOperation;
export const PUT = noSuchOperation;
export const PATCH = noSuchOperation;
export const DELETE = noSuchOperation;
