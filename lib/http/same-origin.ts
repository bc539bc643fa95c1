// Route handlers that change state with the session cookie must refuse
// cross-site requests, as Next.js does for server actions: the browser's
// Origin must be this portal's.
import { getEnv } from "@/lib/env";

export function isSameOriginRequest(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwardedHost = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const host = forwardedHost || request.headers.get("host");
  return originHost === host || originHost === new URL(getEnv().APP_URL).host;
}
