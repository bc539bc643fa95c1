// Everything a vendor applies in AWS for a registry: trust policy,
// permissions policy, cross-account repository policy and the CLI commands.
// One pure function, used by the form's live preview in the browser and by
// the registry page on the server, so both always show the same JSON.
import type { RoleArn } from "@/lib/aws/arn";
import { buildCloudFormationTemplate, cloudFormationParameters, cloudFormationQuickCreateUrl } from "@/lib/aws/cloudformation";
import { buildConsoleLinks, type ConsoleLinks } from "@/lib/aws/console-links";
import { parseEcrHostname, type EcrHostname } from "@/lib/aws/ecr-hostname";
import { buildCrossAccountRepositoryPolicy, buildEcrPublicPermissionsPolicy, buildPermissionsPolicy } from "@/lib/aws/permissions-policy";
import { resolveRoleReference } from "@/lib/aws/role-reference";
import { buildAwsCliSetup, type CliEndpoints, type SetupStep } from "@/lib/aws/setup-commands";
import { buildTerraformConfig } from "@/lib/aws/terraform";
import { buildTrustPolicy, type PolicyDocument } from "@/lib/aws/trust-policy";

/** "registry": the pull actions on the registry's repositories (default); "any": on "*". */
export type PermissionsScope = "registry" | "any";

export interface OidcSetupValues {
  issuerUrl: string;
  /** The team's public ID: the `sub` of the portal's tokens. */
  subject: string;
  thumbprint: string | null;
  /**
   * Set when the portal talks to a local AWS (endpoint overrides on
   * loopback): the commands and Terraform use these endpoints.
   */
  localEndpoints?: (CliEndpoints & { sts?: string }) | null;
  /** The operator's S3 copy of the CloudFormation template, for the quick-create link. */
  cloudFormationTemplateUrl?: string | null;
  /** Keyless guides in local mode: the stand-ins' endpoints by real host (lib/registries/oidc-setup.ts). */
  keylessLocalEndpoints?: Record<string, string>;
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
      /** One-click alternatives to the commands, from the same documents. */
      cloudFormation: { template: string; fileName: string; quickCreateUrl: string | null };
      terraform: { config: string; fileName: string };
      console: ConsoleLinks;
    }
  | { ok: false; field: "hostname" | "roleArn" | "roleAccountId"; message: string };

/**
 * `roleArn` is what the vendor typed in the role field: a role name (in
 * `roleAccountId`, or the registry's account when that is empty) or a full ARN.
 */
export function buildRegistrySetupGuide(input: { hostname: string; roleArn: string; roleAccountId?: string; oidc: OidcSetupValues; scope: PermissionsScope }): RegistrySetupGuide {
  const registry = parseEcrHostname(input.hostname);
  if (!registry.ok) return { ok: false, field: "hostname", message: "Enter a valid registry hostname to generate the policies." };
  const role = resolveRoleReference({ role: input.roleArn, accountId: input.roleAccountId ?? "", registry: registry.value });
  if (!role.ok) return { ok: false, field: role.field ?? "roleArn", message: `${role.message} The trust policy and the setup steps appear once the role is valid.` };
  const crossAccount = registry.value.accountId !== null && registry.value.accountId !== role.value.accountId;
  const trustPolicy = buildTrustPolicy({ issuerUrl: input.oidc.issuerUrl, subject: input.oidc.subject, partition: role.value.partition, accountId: role.value.accountId });
  const permissionsPolicy = buildRegistryPermissionsPolicy(registry.value, input.scope);
  const repositoryPolicy = crossAccount ? buildCrossAccountRepositoryPolicy({ roleArn: role.value.arn }) : null;
  // What the CLI commands and the Terraform configuration both create.
  const awsSetup = {
    issuerUrl: input.oidc.issuerUrl,
    thumbprint: input.oidc.thumbprint,
    role: role.value,
    registry: registry.value,
    trustPolicy,
    permissionsPolicy,
    ...(input.oidc.localEndpoints ? { endpoints: input.oidc.localEndpoints } : {}),
  };
  const steps = buildAwsCliSetup({ ...awsSetup, repositoryPolicy });
  const cfnValues = { issuerUrl: input.oidc.issuerUrl, subject: input.oidc.subject, thumbprint: input.oidc.thumbprint, role: role.value, permissionsPolicy };
  const templateUrl = input.oidc.cloudFormationTemplateUrl;
  const cloudFormation = {
    template: JSON.stringify(buildCloudFormationTemplate(cfnValues), null, 2),
    fileName: `${role.value.roleName}.cloudformation.json`,
    quickCreateUrl: templateUrl
      ? cloudFormationQuickCreateUrl({
          templateUrl,
          partition: role.value.partition,
          region: registry.value.apiRegion,
          stackName: `portal-${role.value.roleName}`.replace(/[^A-Za-z0-9-]/g, "-").slice(0, 128),
          parameters: cloudFormationParameters(cfnValues),
        })
      : null,
  };
  const terraform = {
    config: JSON.stringify(
      buildTerraformConfig(awsSetup),
      null,
      2,
    ),
    fileName: "portal-ecr-pull.tf.json",
  };
  const consoleLinks = buildConsoleLinks({ partition: role.value.partition, roleName: role.value.roleName, region: registry.value.apiRegion });
  return { ok: true, registry: registry.value, role: role.value, crossAccount, trustPolicy, permissionsPolicy, repositoryPolicy, steps, cloudFormation, terraform, console: consoleLinks };
}
