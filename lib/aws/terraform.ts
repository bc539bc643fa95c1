// The Terraform configuration for the vendor's side of IAM Authentication, in
// Terraform's JSON syntax (a .tf.json file is a first-class Terraform format):
// the OpenID Connect provider (skipped with create_oidc_provider = false when
// the account has it already), the role with the page's trust policy and its
// pull-only permissions policy. Pure: the policy documents are the page's own,
// embedded as JSON strings exactly as the page shows them.
import type { RoleArn } from "@/lib/aws/arn";
import type { EcrHostname } from "@/lib/aws/ecr-hostname";
import type { CliEndpoints } from "@/lib/aws/setup-commands";
import { STS_AUDIENCE, formatPolicyJson, type PolicyDocument } from "@/lib/aws/trust-policy";

export interface TerraformValues {
  issuerUrl: string;
  thumbprint: string | null;
  role: RoleArn;
  registry: EcrHostname;
  trustPolicy: PolicyDocument;
  permissionsPolicy: PolicyDocument;
  /** Endpoint overrides (the local AWS): the provider talks to them instead of AWS. */
  endpoints?: CliEndpoints & { sts?: string };
}

/** Terraform reads "${" and "%{" in JSON strings as template syntax; doubled, they stay literal. */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

export function buildTerraformConfig(values: TerraformValues) {
  const endpoints = values.endpoints && Object.values(values.endpoints).some(Boolean) ? values.endpoints : null;
  return {
    "//": "Creates what the registry portal needs to pull from Amazon ECR. Run terraform init && terraform apply in the account of the role.",
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: ">= 5.0" } } },
    provider: {
      aws: {
        region: values.registry.apiRegion,
        ...(endpoints
          ? {
              skip_credentials_validation: true,
              skip_requesting_account_id: true,
              endpoints: [{ ...(endpoints.iam ? { iam: endpoints.iam } : {}), ...(endpoints.sts ? { sts: endpoints.sts } : {}), ...(endpoints.ecr ? { ecr: endpoints.ecr } : {}) }],
            }
          : {}),
      },
    },
    variable: {
      create_oidc_provider: { type: "bool", default: true, description: "false when the account already has an OpenID Connect provider for the portal's issuer." },
    },
    resource: {
      aws_iam_openid_connect_provider: {
        portal: {
          count: "${var.create_oidc_provider ? 1 : 0}",
          url: terraformLiteral(values.issuerUrl),
          client_id_list: [STS_AUDIENCE],
          ...(values.thumbprint ? { thumbprint_list: [values.thumbprint] } : {}),
        },
      },
      aws_iam_role: {
        portal_ecr_pull: {
          name: values.role.roleName,
          path: values.role.path,
          max_session_duration: 3600,
          assume_role_policy: terraformLiteral(formatPolicyJson(values.trustPolicy)),
          depends_on: ["aws_iam_openid_connect_provider.portal"],
        },
      },
      aws_iam_role_policy: {
        portal_ecr_pull: {
          name: "PortalEcrPull",
          role: "${aws_iam_role.portal_ecr_pull.id}",
          policy: terraformLiteral(formatPolicyJson(values.permissionsPolicy)),
        },
      },
    },
    output: { role_arn: { value: "${aws_iam_role.portal_ecr_pull.arn}", description: "Enter this role (or just its name) on the registry's page in the portal." } },
  };
}
