/**
 * The page to return to after signing in, only when it is a path on this
 * site. The value is resolved against the portal's URL and must keep its
 * origin; control characters (which browsers silently drop, turning
 * "/\t/evil.example" into "//evil.example") and backslashes are refused.
 */
export function safeCallbackUrl(value: string | string[] | undefined, appUrl = "http://localhost"): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return null;
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  if (!value.startsWith("/") || value.startsWith("//")) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(appUrl);
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}
