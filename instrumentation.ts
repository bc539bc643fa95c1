// Next.js calls onRequestError for every error a page, action or route
// handler throws. The user sees only the error's digest; this line links that
// digest to the request ID and keeps the stack, in the portal's log.
import type { Instrumentation } from "next";

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log } = await import("@/lib/log");
  const header = request.headers["x-request-id"];
  log.error(
    {
      err: error,
      digest: (error as { digest?: string }).digest,
      requestId: typeof header === "string" ? header : undefined,
      method: request.method,
      routePath: context.routePath,
      routeType: context.routeType,
    },
    "request error",
  );
};
