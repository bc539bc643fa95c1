import "server-only";
import { retryAfterOfSignInError } from "@/lib/auth/sign-in-error";

/**
 * next-auth answers every refused credentials sign-in the same way: 401 and
 * `{ url }` whose `error` parameter is the code authorize() threw. A throttled
 * one is a 429 with Retry-After instead, so clients and proxies can tell "wait"
 * from "wrong password"; the body stays what next-auth's client reads.
 */
export async function withThrottledStatus(response: Response): Promise<Response> {
  if (response.status !== 401 || !response.headers.get("content-type")?.includes("application/json")) return response;
  const body = (await response.clone().json().catch(() => null)) as { url?: unknown } | null;
  if (typeof body?.url !== "string") return response;
  let code: string | null;
  try {
    code = new URL(body.url, "http://localhost").searchParams.get("error");
  } catch {
    return response;
  }
  const retryAfterSeconds = retryAfterOfSignInError(code);
  if (retryAfterSeconds === null) return response;
  const headers = new Headers(response.headers);
  headers.set("retry-after", String(retryAfterSeconds));
  return new Response(JSON.stringify(body), { status: 429, headers });
}
