/**
 * The page to return to after signing in, only when it is a path on this
 * site: "//evil.example" or "https://evil.example" would be an open redirect.
 */
export function safeCallbackUrl(value: string | string[] | undefined): string | null {
  if (typeof value !== "string") return null;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  return value;
}
