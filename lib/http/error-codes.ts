// The closed set of error codes the portal answers with, and the HTTP status
// each one means. Server actions, route handlers and the REST API (/api/v1)
// all use it, so a code means the same thing everywhere. Pure: no server-only
// imports, so the API reference can list it.

export const ERROR_CODE_STATUS = {
  /** The input failed validation; `fields` names each field and what to do. */
  invalid_input: 400,
  /** The API request carried no usable bearer token (missing, unknown, revoked or expired). */
  unauthorized: 401,
  /** The browser session has expired (pages and actions only). */
  session_expired: 401,
  /** The caller's role does not allow the operation. */
  forbidden: 403,
  /** No such object in the caller's team (another team's objects are not found either). */
  not_found: 404,
  /** The HTTP method is not supported on this path. */
  method_not_allowed: 405,
  /** Another object of the team already has this name. */
  name_taken: 409,
  /** The email already has an account. */
  email_taken: 409,
  /** The person is already a member of the team. */
  already_member: 409,
  /** The team's last admin cannot be removed or demoted. */
  last_admin: 409,
  /** The invite link is unknown, used, revoked or expired. */
  invite_invalid: 410,
  /** The invite was sent to another email address. */
  invite_email_mismatch: 403,
  /** The request body is larger than the API accepts. */
  payload_too_large: 413,
  /** The request body is not JSON. */
  unsupported_media_type: 415,
  /** The stored registry can no longer be used as it is; edit it. */
  invalid_registry: 422,
  /** The registry has no stored credentials to use. */
  credentials_missing: 422,
  /** Using the portal's own AWS identity is disabled on this portal. */
  ambient_disabled: 422,
  /** Too many requests; retry after the `Retry-After` header's seconds. */
  rate_limited: 429,
  /** Something failed on the portal's side; the message carries a request ID. */
  internal: 500,
  /** Browser only: the portal could not be reached (never sent by the server). */
  network: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_CODE_STATUS;

export const ERROR_CODES = Object.keys(ERROR_CODE_STATUS) as [ErrorCode, ...ErrorCode[]];

export function errorCodeToHttpStatus(code: ErrorCode): number {
  return ERROR_CODE_STATUS[code];
}
