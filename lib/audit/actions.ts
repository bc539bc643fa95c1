// Every action the audit log records, and the types of object an event can
// be about. Pure: the audit page's filters list them.
export const AUDIT_ACTIONS = [
  "auth.signed_up",
  "auth.signed_in",
  "team.member_invited",
  "team.invite_revoked",
  "team.member_joined",
  "team.member_removed",
  "team.member_role_changed",
  "application.created",
  "application.renamed",
  "application.deleted",
  "registry.created",
  "registry.updated",
  "registry.secret_replaced",
  "registry.deleted",
  "registry.tested",
  "customer.created",
  "customer.updated",
  "customer.revoked",
  "customer.restored",
  "customer.license_regenerated",
  "customer.entitlements_updated",
  "channel.created",
  "channel.updated",
  "channel.deleted",
  "application.customer_page_changed",
  "oidc.thumbprint_refreshed",
  "api_token.created",
  "api_token.revoked",
  "api.request",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ["team", "user", "invite", "application", "registry", "customer", "channel", "api_token"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];
