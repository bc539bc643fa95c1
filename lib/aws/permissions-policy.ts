import type { Partition } from "@/lib/aws/partitions";
import type { PolicyDocument } from "@/lib/aws/trust-policy";

export const PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"] as const;

export type RepositoryScope = { kind: "registry" } | { kind: "repositories"; names: string[] } | { kind: "any" };

export function repositoryArn(partition: Partition, region: string, accountId: string, name: string): string {
  return `arn:${partition}:ecr:${region}:${accountId}:repository/${name}`;
}

/**
 * The minimal permissions for pulling: a login token (which cannot be scoped,
 * so it has its own statement on "*") and the three pull actions on the
 * registry's repositories (default), named repositories, or anything.
 */
export function buildPermissionsPolicy(input: { partition: Partition; region: string; accountId: string; scope: RepositoryScope }): PolicyDocument {
  const resource =
    input.scope.kind === "any"
      ? "*"
      : input.scope.kind === "registry"
        ? repositoryArn(input.partition, input.region, input.accountId, "*")
        : input.scope.names.map((name) => repositoryArn(input.partition, input.region, input.accountId, name));
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Sid: "EcrPull", Effect: "Allow", Action: [...PULL_ACTIONS], Resource: resource },
    ],
  };
}

/** The repository policy the registry's account needs when the role lives in another account. */
export function buildCrossAccountRepositoryPolicy(input: { roleArn: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "PortalCrossAccountPull", Effect: "Allow", Principal: { AWS: input.roleArn }, Action: [...PULL_ACTIONS] }],
  };
}

/**
 * ECR Public (public.ecr.aws) has no account in its hostname and no
 * repository-scoped pull actions: an authenticated pull needs only a login
 * token from ECR Public and the bearer token STS issues for it.
 */
export function buildEcrPublicPermissionsPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "EcrPublicLogin", Effect: "Allow", Action: ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"], Resource: "*" }],
  };
}
