// The security headers of every page: a Content-Security-Policy whose scripts
// must carry this response's nonce (Next.js adds it to its own scripts when
// it finds the policy on the request), no framing, no MIME sniffing, a
// referrer that never carries a path to other sites, and HSTS over https.
//
// Styles allow 'unsafe-inline': React's style attributes and the toast
// library's injected stylesheet cannot carry a nonce, and styles run no code.

export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}

export function buildContentSecurityPolicy(nonce: string, options: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function buildSecurityHeaders(nonce: string, options: { https: boolean; dev: boolean }): Record<string, string> {
  return {
    "content-security-policy": buildContentSecurityPolicy(nonce, options),
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    ...buildTransportHeaders(options),
  };
}

/**
 * The headers every response carries, also those the production server
 * answers before Next.js (the OIDC documents, the proxy's /v2/): no MIME
 * sniffing, and HSTS when the portal is served over https.
 */
export function buildTransportHeaders(options: { https: boolean }): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    ...(options.https ? { "strict-transport-security": "max-age=63072000; includeSubDomains" } : {}),
  };
}
