// Everything a vendor applies in AWS for a registry: trust policy,
// permissions policy, cross-account repository policy and the CLI commands.
// One pure function, used by the form's live preview in the browser and by
// the registry page on the server, so both always show the same JSON.
import { parseRoleArn, type RoleArn } from "@/lib/aws/arn";
import { parseEcrHostname, type EcrHostname } from "@/lib/aws/ecr-hostname";
import { buildCrossAccountRepositoryPolicy, buildEcrPublicPermissionsPolicy, buildPermissionsPolicy } from "@/lib/aws/permissions-policy";
import { buildAwsCliSetup, type SetupStep } from "@/lib/aws/setup-commands";
import { buildTrustPolicy, type PolicyDocument } from "@/lib/aws/trust-policy";

/** "registry": the pull actions on the registry's repositories (default); "any": on "*". */
export type PermissionsScope = "registry" | "any";

export interface OidcSetupValues {
  issuerUrl: string;
  /** The team's public ID: the `sub` of the portal's tokens. */
  subject: string;
  thumbprint: string | null;
}

/** The permissions an IAM role or user needs to pull from the registry. */
export function buildRegistryPermissionsPolicy(registry: EcrHostname, scope: PermissionsScope): PolicyDocument {
  if (registry.kind === "public" || !registry.accountId) return buildEcrPublicPermissionsPolicy();
  return buildPermissionsPolicy({ partition: registry.partition, region: registry.region, accountId: registry.accountId, scope: { kind: scope } });
}

export type RegistrySetupGuide =
  | {
      ok: true;
      registry: EcrHostname;
      role: RoleArn;
      /** The role lives in another account than the registry: the repositories need a policy too. */
      crossAccount: boolean;
      trustPolicy: PolicyDocument;
      permissionsPolicy: PolicyDocument;
      repositoryPolicy: PolicyDocument | null;
      steps: SetupStep[];
    }
  | { ok: false; field: "hostname" | "roleArn"; message: string };

export function buildRegistrySetupGuide(input: { hostname: string; roleArn: string; oidc: OidcSetupValues; scope: PermissionsScope }): RegistrySetupGuide {
  const registry = parseEcrHostname(input.hostname);
  if (!registry.ok) return { ok: false, field: "hostname", message: "Enter a valid registry hostname to generate the policies." };
  const role = parseRoleArn(input.roleArn, { partition: registry.value.partition });
  if (!role.ok) return { ok: false, field: "roleArn", message: "Enter a valid AWS role ARN to generate the trust policy and the AWS CLI commands." };
  const crossAccount = registry.value.accountId !== null && registry.value.accountId !== role.value.accountId;
  const trustPolicy = buildTrustPolicy({ issuerUrl: input.oidc.issuerUrl, subject: input.oidc.subject, partition: role.value.partition, accountId: role.value.accountId });
  const permissionsPolicy = buildRegistryPermissionsPolicy(registry.value, input.scope);
  const repositoryPolicy = crossAccount ? buildCrossAccountRepositoryPolicy({ roleArn: role.value.arn }) : null;
  const steps = buildAwsCliSetup({
    issuerUrl: input.oidc.issuerUrl,
    thumbprint: input.oidc.thumbprint,
    role: role.value,
    registry: registry.value,
    trustPolicy,
    permissionsPolicy,
    repositoryPolicy,
  });
  return { ok: true, registry: registry.value, role: role.value, crossAccount, trustPolicy, permissionsPolicy, repositoryPolicy, steps };
}
