import { describe, expect, it } from "vitest";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { parseRoleArn } from "@/lib/aws/arn";
import { buildCrossAccountRepositoryPolicy, buildEcrPublicPermissionsPolicy, buildPermissionsPolicy } from "@/lib/aws/permissions-policy";
import { buildRoleSessionName } from "@/lib/aws/role-session-name";
import { buildAwsCliSetup, shellQuote } from "@/lib/aws/setup-commands";
import { buildSubConditionFix, buildTrustPolicy, formatPolicyJson, oidcProviderArn } from "@/lib/aws/trust-policy";

const issuer = "https://portal.example.com/oidc";
const subject = "team_abcdefghijklmnopqrstuvwxyz";

describe("trust policy", () => {
  it.each(["aws", "aws-cn", "aws-us-gov"] as const)("names the provider and conditions for partition %s", (partition) => {
    expect(buildTrustPolicy({ issuerUrl: issuer, subject, partition, accountId: "210987654321" })).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: `arn:${partition}:iam::210987654321:oidc-provider/portal.example.com/oidc` },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { "portal.example.com/oidc:aud": "sts.amazonaws.com", "portal.example.com/oidc:sub": subject } },
        },
      ],
    });
  });

  it("trusts the provider in the role's account, not the registry's, for a cross-account role", () => {
    const policy = buildTrustPolicy({ issuerUrl: issuer, subject, partition: "aws", accountId: "222222222222" });
    expect(policy.Statement[0]!.Principal).toEqual({ Federated: "arn:aws:iam::222222222222:oidc-provider/portal.example.com/oidc" });
  });

  it("keeps the issuer's path and drops only the scheme", () => {
    expect(oidcProviderArn("aws", "123456789012", "http://127.0.0.1:3100/oidc")).toBe("arn:aws:iam::123456789012:oidc-provider/127.0.0.1:3100/oidc");
    expect(buildSubConditionFix(issuer, subject)).toEqual({ StringEquals: { "portal.example.com/oidc:aud": "sts.amazonaws.com", "portal.example.com/oidc:sub": subject } });
  });
});

describe("permissions policy", () => {
  it("allows the login token on * and pulls on the registry's repositories by default", () => {
    const policy = buildPermissionsPolicy({ partition: "aws-us-gov", region: "us-gov-west-1", accountId: "123456789012", scope: { kind: "registry" } });
    expect(policy.Statement[0]).toMatchObject({ Action: "ecr:GetAuthorizationToken", Resource: "*" });
    expect(policy.Statement[1]).toMatchObject({
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
      Resource: "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/*",
    });
  });

  it("scopes to named repositories or to anything on request", () => {
    const named = buildPermissionsPolicy({ partition: "aws-cn", region: "cn-north-1", accountId: "123456789012", scope: { kind: "repositories", names: ["app/api", "app/web"] } });
    expect(named.Statement[1]!.Resource).toEqual(["arn:aws-cn:ecr:cn-north-1:123456789012:repository/app/api", "arn:aws-cn:ecr:cn-north-1:123456789012:repository/app/web"]);
    expect(buildPermissionsPolicy({ partition: "aws", region: "us-east-1", accountId: "123456789012", scope: { kind: "any" } }).Statement[1]!.Resource).toBe("*");
  });

  it("asks only for the ECR Public login token and the STS bearer token for public.ecr.aws", () => {
    expect(buildEcrPublicPermissionsPolicy().Statement).toEqual([
      { Sid: "EcrPublicLogin", Effect: "Allow", Action: ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"], Resource: "*" },
    ]);
  });

  it("grants a role of another account the pull actions in a repository policy", () => {
    expect(buildCrossAccountRepositoryPolicy({ roleArn: "arn:aws:iam::222222222222:role/Pull" }).Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::222222222222:role/Pull" },
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
    });
  });
});

describe("AWS CLI setup", () => {
  const registry = parseEcrHostname("111111111111.dkr.ecr.eu-west-1.amazonaws.com");
  const role = parseRoleArn("arn:aws:iam::222222222222:role/team/Pull");
  if (!registry.ok || !role.ok) throw new Error("fixtures");
  const trustPolicy = buildTrustPolicy({ issuerUrl: issuer, subject, partition: "aws", accountId: "222222222222" });

  it("fills in the real values, cross-account step included, trust policy last", () => {
    const steps = buildAwsCliSetup({
      issuerUrl: issuer,
      thumbprint: "0123456789abcdef0123456789abcdef01234567",
      role: role.value,
      registry: registry.value,
      trustPolicy,
      permissionsPolicy: buildPermissionsPolicy({ partition: "aws", region: "eu-west-1", accountId: "111111111111", scope: { kind: "registry" } }),
      repositoryPolicy: buildCrossAccountRepositoryPolicy({ roleArn: role.value.arn }),
    });
    expect(steps.map((step) => step.id)).toEqual(["provider", "role", "permissions", "repository-policy"]);
    expect(steps[0]!.command).toContain("--url 'https://portal.example.com/oidc'");
    expect(steps[0]!.command).toContain("--thumbprint-list 0123456789abcdef0123456789abcdef01234567");
    expect(steps[1]!.command).toContain("--path '/team/'");
    expect(steps[3]!.command).toContain("--region eu-west-1");
    expect(steps[1]!.command).toContain(formatPolicyJson(trustPolicy));
    expect(steps[1]!.command).toContain("aws iam update-assume-role-policy");
  });

  it("quotes shell values safely", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe("role session name", () => {
  it("is at most 64 allowed characters", () => {
    const name = buildRoleSessionName("team_abcdefghijklmnopqrstuvwxyz", "cmabcdefghijklmnopqrstuvwx0123456789");
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^portal-[\w+=,.@-]+$/);
  });
});
