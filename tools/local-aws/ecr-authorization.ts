// Whether a principal may perform an ECR action on a repository: identity
// policies in the caller's account, the repository policy in the registry's
// account, and for cross-account access both must allow. An explicit deny in
// either wins.
import { AwsError, accessDeniedMessage, type DenialReason } from "./aws-error";
import { evaluatePolicies, parsePolicy } from "./policy-evaluation";
import { identityDecision, principalIdentifiers, type Principal } from "./principals";
import type { LocalAwsState, Repository } from "./state";

export function ecrDenialReason(state: LocalAwsState, principal: Principal, action: string, resource: string, repository?: Repository): DenialReason | undefined {
  const identity = identityDecision(state, principal, action, resource);
  const repositoryPolicy = repository?.policy
    ? evaluatePolicies([parsePolicy(repository.policy)], { action, resource, principal: principalIdentifiers(principal), context: { "aws:PrincipalArn": [principal.arn], "aws:PrincipalAccount": [principal.accountId] } })
    : "implicit-deny";
  if (identity === "deny") return "identity-deny";
  if (repositoryPolicy === "deny") return "resource-deny";
  const crossAccount = repository !== undefined && repository.accountId !== principal.accountId;
  if (crossAccount) {
    if (identity !== "allow") return "no-identity-allow";
    if (repositoryPolicy !== "allow") return "no-resource-allow";
    return undefined;
  }
  return identity === "allow" || repositoryPolicy === "allow" ? undefined : "no-identity-allow";
}

/** Throws ECR's AccessDeniedException when the principal may not act on the resource. */
export function authorizeEcr(state: LocalAwsState, principal: Principal, action: string, resource: string, repository?: Repository): void {
  const reason = ecrDenialReason(state, principal, action, resource, repository);
  if (reason) throw new AwsError("AccessDeniedException", accessDeniedMessage({ principalArn: principal.arn, action, resource, reason }), 400);
}

export function repositoryArn(accountId: string, region: string, name: string): string {
  return `arn:aws:ecr:${region}:${accountId}:repository/${name}`;
}
