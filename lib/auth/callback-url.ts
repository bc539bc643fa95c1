/**
 * The page to return to after signing in, only when it is a path on this
 * site. The rule is applied to the URL as a browser will read it, AFTER
 * resolution against the portal's URL: dot segments ("/./", "/..", "%2e%2e")
 * are removed by resolution and can leave a path that starts with "//", which
 * a browser takes for another host. So the resolved URL must keep the
 * portal's origin and its path must be "/" alone or "/" followed by anything
 * but "/". Control characters (which browsers silently drop, turning
 * "/\t/evil.example" into "//evil.example") and backslashes (which browsers
 * read as "/") are refused before resolution.
 */
export function safeCallbackUrl(value: string | string[] | undefined, appUrl = "http://localhost"): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return null;
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(value)) return null;
  if (!value.startsWith("/")) return null;
  let base: URL;
  let url: URL;
  try {
    base = new URL(appUrl);
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base.origin || !isSingleSlashPath(url.pathname)) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

function isSingleSlashPath(pathname: string): boolean {
  return pathname === "/" || /^\/[^/\\]/.test(pathname);
}
