// The closed set of error codes the portal answers with, the HTTP status each
// one means, and what it means in words (listed in the API reference). Server
// actions, route handlers and the REST API (/api/v1) all use it, so a code
// means the same thing everywhere. Pure: runs anywhere.

export const ERROR_CODE_INFO = {
  invalid_input: { status: 400, meaning: "The input failed validation; `fields` names each field and what to do." },
  unauthorized: { status: 401, meaning: "The API request carried no usable bearer token (missing, unknown, revoked or expired)." },
  session_expired: { status: 401, meaning: "The browser session has expired (pages and actions only)." },
  forbidden: { status: 403, meaning: "The caller’s role does not allow the operation." },
  not_found: { status: 404, meaning: "No such object in the caller’s team (another team’s objects are not found either)." },
  method_not_allowed: { status: 405, meaning: "The HTTP method is not supported on this path." },
  name_taken: { status: 409, meaning: "Another object of the team already has this name." },
  email_taken: { status: 409, meaning: "The email already has an account." },
  already_member: { status: 409, meaning: "The person is already a member of the team." },
  last_admin: { status: 409, meaning: "The team’s last admin cannot be removed or demoted." },
  already_revoked: { status: 409, meaning: "The customer’s license is already revoked." },
  not_revoked: { status: 409, meaning: "The customer’s license is not revoked, so there is nothing to restore." },
  idempotency_key_in_progress: { status: 409, meaning: "A request with this Idempotency-Key is still running; retry after the `Retry-After` header’s seconds to get its answer." },
  webhook_disabled: { status: 409, meaning: "The webhook endpoint is disabled; enable it first." },
  invite_invalid: { status: 410, meaning: "The invite link is unknown, used, revoked or expired." },
  invite_email_mismatch: { status: 403, meaning: "The invite was sent to another email address." },
  precondition_failed: { status: 412, meaning: "The object changed since the ETag sent in If-Match: read it again, then retry with its new ETag. Nothing was changed." },
  payload_too_large: { status: 413, meaning: "The request body is larger than the API accepts." },
  unsupported_media_type: { status: 415, meaning: "The request body is not in the media type the operation accepts (JSON; a JSON merge patch for PATCH)." },
  idempotency_key_reused: { status: 422, meaning: "The Idempotency-Key was already used for a different request (another method, path or body); use a new key for a new request." },
  invalid_registry: { status: 422, meaning: "The stored registry can no longer be used as it is; edit it." },
  credentials_missing: { status: 422, meaning: "The registry has no stored credentials to use." },
  ambient_disabled: { status: 422, meaning: "Using the portal’s own AWS identity is disabled on this portal." },
  rate_limited: { status: 429, meaning: "Too many requests; retry after the `Retry-After` header’s seconds." },
  internal: { status: 500, meaning: "Something failed on the portal’s side; the message carries a request ID." },
  network: { status: 503, meaning: "Browser only: the portal could not be reached (never sent by the server)." },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODE_INFO;

export const ERROR_CODES = Object.keys(ERROR_CODE_INFO) as [ErrorCode, ...ErrorCode[]];

export function errorCodeToHttpStatus(code: ErrorCode): number {
  return ERROR_CODE_INFO[code].status;
}
