// Route handlers that change state with the session cookie must refuse
// cross-site requests, as Next.js does for server actions: the browser's
// Origin must be this portal's. X-Forwarded-Host names the portal's host only
// behind a proxy the operator declared (TRUST_PROXY); otherwise anyone could send it.
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
  const env = getEnv();
  const forwardedHost = env.TRUST_PROXY > 0 ? request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = forwardedHost || request.headers.get("host");
  return originHost === host || originHost === new URL(env.APP_URL).host;
}
