// The role a registry's IAM Authentication assumes, as the vendor gives it: a
// role name (optionally with a path, e.g. "ci/PortalEcrPull") in the
// registry's account, a name in another account (cross-account), or a full
// role ARN pasted from IAM. Pure: the form, the setup guide and the server
// resolve it with this one function, so they always agree on the ARN.
import { parseRoleArn, type RoleArn } from "@/lib/aws/arn";
import type { EcrHostname } from "@/lib/aws/ecr-hostname";
import type { ParseResult } from "@/lib/parse-result";

/** The role name the form starts with. */
export const DEFAULT_ROLE_NAME = "PortalEcrPull";

const ROLE_NAME_PATTERN = /^\/?((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const ACCOUNT_ID_PATTERN = /^\d{12}$/;

export const ROLE_NAME_MESSAGE =
  "Role name may use letters, digits and +=,.@_- (up to 64 characters), optionally after a path such as ci/; or paste the role's full ARN (arn:aws:iam::123456789012:role/Name).";
export const ROLE_ACCOUNT_MESSAGE = "The role's account ID must be exactly 12 digits, e.g. 123456789012; leave it empty to use the registry's account.";

/** True when the vendor pasted an ARN rather than a name. */
export function looksLikeArn(role: string): boolean {
  return role.trim().startsWith("arn:");
}

/**
 * Resolves a role name (or ARN) and an optional account ID against the
 * registry. `accountId` "" means the registry's own account; an ARN carries
 * its own account and ignores it.
 */
export function resolveRoleReference(input: { role: string; accountId: string; registry: EcrHostname }): ParseResult<RoleArn> & { field?: "roleArn" | "roleAccountId" } {
  const role = input.role.trim();
  const { partition } = input.registry;
  if (looksLikeArn(role)) return { ...parseRoleArn(role, { partition }), field: "roleArn" };
  if (role.length === 0) return { ok: false, field: "roleArn", message: `Enter the role's name, e.g. ${DEFAULT_ROLE_NAME}, or paste its full ARN.` };
  const name = ROLE_NAME_PATTERN.exec(role);
  if (!name || role.length > 512) return { ok: false, field: "roleArn", message: ROLE_NAME_MESSAGE };
  const accountId = input.accountId.trim() || input.registry.accountId;
  if (!accountId) {
    return { ok: false, field: "roleAccountId", message: "ECR Public hostnames name no account: enter the 12-digit account ID the role is in, or paste the role's full ARN." };
  }
  if (!ACCOUNT_ID_PATTERN.test(accountId)) return { ok: false, field: "roleAccountId", message: ROLE_ACCOUNT_MESSAGE };
  return parseRoleArn(`arn:${partition}:iam::${accountId}:role/${name[1]}${name[2]}`, { partition });
}

/**
 * How the form shows a stored role ARN: its name (with its path) and, when
 * the role is in another account than the registry, that account.
 */
export function roleReferenceOf(roleArn: string, registry: EcrHostname | null): { role: string; accountId: string } {
  const parsed = parseRoleArn(roleArn);
  if (!parsed.ok || !registry || parsed.value.partition !== registry.partition) return { role: roleArn, accountId: "" };
  const name = `${parsed.value.path.slice(1)}${parsed.value.roleName}`;
  return { role: name, accountId: parsed.value.accountId === registry.accountId ? "" : parsed.value.accountId };
}
