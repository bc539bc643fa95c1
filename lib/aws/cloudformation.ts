// The CloudFormation template that creates the vendor's side of IAM
// Authentication in one stack: the OpenID Connect provider (optional: one per
// account serves every role), the role with its trust policy and the
// permissions policy. Pure: built from the same policy documents the page
// shows. The template is generic (parameters), so one copy in S3 serves every
// team's quick-create link; the downloaded copy has this registry's values as
// the parameters' defaults, so it also works uploaded as it is.
import type { RoleArn } from "@/lib/aws/arn";
import { consoleOrigin } from "@/lib/aws/console-links";
import type { Partition } from "@/lib/aws/partitions";
import { STS_AUDIENCE, type PolicyDocument } from "@/lib/aws/trust-policy";

export interface CloudFormationValues {
  issuerUrl: string;
  subject: string;
  thumbprint: string | null;
  role: RoleArn;
  permissionsPolicy: PolicyDocument;
}

export const CLOUDFORMATION_PARAMETERS = ["IssuerUrl", "Subject", "RoleName", "RolePath", "CreateOidcProvider", "Thumbprint"] as const;
export type CloudFormationParameter = (typeof CLOUDFORMATION_PARAMETERS)[number];

/** The parameter values for this registry, for the defaults and the quick-create link. */
export function cloudFormationParameters(values: CloudFormationValues): Record<CloudFormationParameter, string> {
  return {
    IssuerUrl: values.issuerUrl,
    Subject: values.subject,
    RoleName: values.role.roleName,
    RolePath: values.role.path,
    CreateOidcProvider: "true",
    Thumbprint: values.thumbprint ?? "",
  };
}

/**
 * The template as a JSON object (CloudFormation reads JSON templates). The
 * trust policy's condition keys contain the issuer, which a JSON key cannot
 * reference, so the trust policy is one Fn::Sub string that CloudFormation
 * parses; the permissions policy is the page's document with the role's
 * account and partition as they resolve in the stack's account.
 */
export function buildCloudFormationTemplate(values: CloudFormationValues) {
  const defaults = cloudFormationParameters(values);
  const trustPolicy = {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${IssuerHostPath}" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { "${IssuerHostPath}:aud": STS_AUDIENCE, "${IssuerHostPath}:sub": "${Subject}" } },
      },
    ],
  };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "Lets the registry portal pull from Amazon ECR: its OpenID Connect provider, a role only your team's tokens can assume, and pull-only permissions.",
    Parameters: {
      IssuerUrl: { Type: "String", Default: defaults.IssuerUrl, Description: "The portal's OIDC issuer URL, exactly as the portal shows it (no trailing slash)." },
      Subject: { Type: "String", Default: defaults.Subject, Description: "Your team's subject: the sub of the tokens the portal issues for your team." },
      RoleName: { Type: "String", Default: defaults.RoleName, Description: "The name of the role the portal assumes." },
      RolePath: { Type: "String", Default: defaults.RolePath, Description: "The role's IAM path." },
      CreateOidcProvider: {
        Type: "String",
        Default: defaults.CreateOidcProvider,
        AllowedValues: ["true", "false"],
        Description: "false when the account already has an OpenID Connect provider for this issuer.",
      },
      Thumbprint: { Type: "String", Default: defaults.Thumbprint, Description: "The issuer certificate's SHA-1 thumbprint (optional: AWS verifies well-known CAs itself)." },
    },
    Conditions: {
      CreateProvider: { "Fn::Equals": [{ Ref: "CreateOidcProvider" }, "true"] },
      HasThumbprint: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "Thumbprint" }, ""] }] },
    },
    Resources: {
      PortalOidcProvider: {
        Type: "AWS::IAM::OIDCProvider",
        Condition: "CreateProvider",
        Properties: {
          Url: { Ref: "IssuerUrl" },
          ClientIdList: [STS_AUDIENCE],
          ThumbprintList: { "Fn::If": ["HasThumbprint", [{ Ref: "Thumbprint" }], { Ref: "AWS::NoValue" }] },
        },
      },
      PortalEcrPullRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: { Ref: "RoleName" },
          Path: { Ref: "RolePath" },
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: {
            "Fn::Sub": [JSON.stringify(trustPolicy, null, 2), { IssuerHostPath: { "Fn::Select": [1, { "Fn::Split": ["://", { Ref: "IssuerUrl" }] }] } }],
          },
          Policies: [{ PolicyName: "PortalEcrPull", PolicyDocument: values.permissionsPolicy }],
        },
      },
    },
    Outputs: {
      RoleArn: { Description: "Enter this role (or just its name) on the registry's page in the portal.", Value: { "Fn::GetAtt": ["PortalEcrPullRole", "Arn"] } },
    },
  };
}

/**
 * CloudFormation's quick-create page with this registry's parameters filled
 * in. CloudFormation only reads templates from Amazon S3, so the link needs
 * the operator's S3 copy of the template (CLOUDFORMATION_TEMPLATE_URL).
 */
export function cloudFormationQuickCreateUrl(input: { templateUrl: string; partition: Partition; region: string; stackName: string; parameters: Record<CloudFormationParameter, string> }): string {
  const query = new URLSearchParams({ templateURL: input.templateUrl, stackName: input.stackName });
  for (const name of CLOUDFORMATION_PARAMETERS) query.set(`param_${name}`, input.parameters[name]);
  return `${consoleOrigin(input.partition)}/cloudformation/home?region=${encodeURIComponent(input.region)}#/stacks/quickcreate?${query.toString()}`;
}
