import { describe, expect, it } from "vitest";
import { buildTrustPolicy } from "@/lib/aws/trust-policy";
import { buildRegistrySetupGuide } from "@/lib/registries/setup-guide";

const oidc = { issuerUrl: "https://portal.example.com/oidc", subject: "team_abcdefghijklmnopqrstuvwxyz", thumbprint: null };

describe("buildRegistrySetupGuide", () => {
  it.each([
    ["aws", "123456789012.dkr.ecr.us-east-1.amazonaws.com"],
    ["aws-cn", "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"],
    ["aws-us-gov", "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com"],
  ] as const)("builds the trust policy for the role in partition %s", (partition, hostname) => {
    const guide = buildRegistrySetupGuide({ hostname, roleArn: `arn:${partition}:iam::123456789012:role/Pull`, oidc, scope: "registry" });
    expect(guide.ok).toBe(true);
    if (!guide.ok) return;
    expect(guide.trustPolicy).toEqual(buildTrustPolicy({ issuerUrl: oidc.issuerUrl, subject: oidc.subject, partition, accountId: "123456789012" }));
    expect(guide.crossAccount).toBe(false);
    expect(guide.repositoryPolicy).toBeNull();
    expect(guide.steps.map((step) => step.id)).toEqual(["provider", "role", "permissions"]);
    expect(guide.permissionsPolicy.Statement[1]!.Resource).toBe(`arn:${partition}:ecr:${guide.registry.region}:123456789012:repository/*`);
  });

  it("trusts the provider in the role's account and explains a cross-account registry", () => {
    const guide = buildRegistrySetupGuide({ hostname: "111111111111.dkr.ecr.eu-west-1.amazonaws.com", roleArn: "arn:aws:iam::222222222222:role/Pull", oidc, scope: "any" });
    if (!guide.ok) throw new Error(guide.message);
    expect(guide.crossAccount).toBe(true);
    expect(guide.trustPolicy.Statement[0]!.Principal).toEqual({ Federated: "arn:aws:iam::222222222222:oidc-provider/portal.example.com/oidc" });
    expect(guide.repositoryPolicy?.Statement[0]!.Principal).toEqual({ AWS: "arn:aws:iam::222222222222:role/Pull" });
    expect(guide.permissionsPolicy.Statement[1]!.Resource).toBe("*");
    expect(guide.steps.map((step) => step.id)).toContain("repository-policy");
  });

  it("uses the ECR Public login permissions for public.ecr.aws", () => {
    const guide = buildRegistrySetupGuide({ hostname: "public.ecr.aws", roleArn: "arn:aws:iam::222222222222:role/Pull", oidc, scope: "registry" });
    if (!guide.ok) throw new Error(guide.message);
    expect(guide.crossAccount).toBe(false);
    expect(guide.permissionsPolicy.Statement).toEqual([expect.objectContaining({ Action: ["ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"], Resource: "*" })]);
  });

  it("says which field to fix before it can generate anything", () => {
    expect(buildRegistrySetupGuide({ hostname: "nope", roleArn: "", oidc, scope: "registry" })).toMatchObject({ ok: false, field: "hostname" });
    expect(buildRegistrySetupGuide({ hostname: "public.ecr.aws", roleArn: "arn:aws", oidc, scope: "registry" })).toMatchObject({ ok: false, field: "roleArn" });
    expect(buildRegistrySetupGuide({ hostname: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", roleArn: "arn:aws:iam::123456789012:role/Pull", oidc, scope: "registry" })).toMatchObject({
      ok: false,
      field: "roleArn",
    });
  });
});
