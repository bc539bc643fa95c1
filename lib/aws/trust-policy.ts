// The IAM policies a vendor applies in AWS, generated from the same inputs on
// the registry form (live preview) and on the server.
import type { Partition } from "@/lib/aws/partitions";

export const STS_AUDIENCE = "sts.amazonaws.com";

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The issuer as AWS names the provider and its condition keys: no scheme. */
export function oidcProviderPathFromIssuer(issuerUrl: string): string {
  return issuerUrl.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}

export function oidcProviderArn(partition: Partition, accountId: string, issuerUrl: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${oidcProviderPathFromIssuer(issuerUrl)}`;
}

export function buildTrustPolicy(input: { issuerUrl: string; subject: string; partition: Partition; accountId: string }): PolicyDocument {
  const provider = oidcProviderPathFromIssuer(input.issuerUrl);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn(input.partition, input.accountId, input.issuerUrl) },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${provider}:aud`]: STS_AUDIENCE, [`${provider}:sub`]: input.subject } },
      },
    ],
  };
}

/** The condition block a role that trusts every subject of the issuer is missing. */
export function buildSubConditionFix(issuerUrl: string, subject: string): Record<string, Record<string, string>> {
  const provider = oidcProviderPathFromIssuer(issuerUrl);
  return { StringEquals: { [`${provider}:aud`]: STS_AUDIENCE, [`${provider}:sub`]: subject } };
}

export function formatPolicyJson(policy: unknown): string {
  return JSON.stringify(policy, null, 2);
}
