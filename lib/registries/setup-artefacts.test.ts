// The one-click artefacts (CloudFormation, Terraform) are checked by parsing
// them and resolving what CloudFormation and Terraform would resolve, then
// comparing their policy documents with the ones the page shows.
import { describe, expect, it } from "vitest";
import { buildRegistrySetupGuide, type OidcSetupValues } from "@/lib/registries/setup-guide";

const oidc: OidcSetupValues = { issuerUrl: "https://portal.example.com/oidc", subject: "team_abcdefghijklmnopqrstuvwxyz", thumbprint: "0123456789abcdef0123456789abcdef01234567" };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A CloudFormation evaluator for the intrinsics the template uses, in a given account and partition. */
function evaluate(node: Json, scope: Record<string, string>): Json {
  if (Array.isArray(node)) return node.map((item) => evaluate(item, scope));
  if (node === null || typeof node !== "object") return node;
  const keys = Object.keys(node);
  if (keys.length === 1 && keys[0] === "Ref") return scope[node.Ref as string] ?? (() => { throw new Error(`unknown Ref ${String(node.Ref)}`); })();
  if (keys.length === 1 && keys[0] === "Fn::Split") {
    const [separator, value] = node["Fn::Split"] as [string, Json];
    return String(evaluate(value, scope)).split(separator);
  }
  if (keys.length === 1 && keys[0] === "Fn::Select") {
    const [index, list] = node["Fn::Select"] as [number, Json];
    return (evaluate(list, scope) as Json[])[index]!;
  }
  if (keys.length === 1 && keys[0] === "Fn::Sub") {
    const [template, variables] = node["Fn::Sub"] as [string, Record<string, Json>];
    const local = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(evaluate(value, scope))]));
    return template.replace(/\$\{([\w:]+)\}/g, (_, name: string) => local[name] ?? scope[name] ?? (() => { throw new Error(`unknown \${${name}}`); })());
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, evaluate(value, scope)]));
}

function guideFor(roleArn: string, hostname = "111111111111.dkr.ecr.eu-west-1.amazonaws.com", extra: Partial<OidcSetupValues> = {}) {
  const guide = buildRegistrySetupGuide({ hostname, roleArn, oidc: { ...oidc, ...extra }, scope: "registry" });
  if (!guide.ok) throw new Error(guide.message);
  return guide;
}

describe("CloudFormation template", () => {
  it.each([
    ["PortalEcrPull", "111111111111.dkr.ecr.eu-west-1.amazonaws.com", "aws"],
    ["ci/PortalEcrPull", "111111111111.dkr.ecr.us-gov-west-1.amazonaws.com", "aws-us-gov"],
    ["arn:aws-cn:iam::111111111111:role/Pull", "111111111111.dkr.ecr.cn-north-1.amazonaws.com.cn", "aws-cn"],
  ])("creates the role %s with the page's trust and permissions policies (%s)", (role, hostname, partition) => {
    const guide = guideFor(role, hostname);
    const template = JSON.parse(guide.cloudFormation.template) as { Parameters: Record<string, { Default: string }>; Resources: Record<string, { Type: string; Properties: Record<string, Json> }> };
    const scope = { ...Object.fromEntries(Object.entries(template.Parameters).map(([name, parameter]) => [name, parameter.Default])), "AWS::Partition": partition, "AWS::AccountId": guide.role.accountId, "AWS::NoValue": "" };
    const roleResource = template.Resources.PortalEcrPullRole!;
    expect(roleResource.Type).toBe("AWS::IAM::Role");
    const properties = evaluate(roleResource.Properties, scope) as Record<string, Json>;
    expect(properties.RoleName).toBe(guide.role.roleName);
    expect(properties.Path).toBe(guide.role.path);
    expect(JSON.parse(properties.AssumeRolePolicyDocument as string)).toEqual(guide.trustPolicy);
    expect(properties.Policies).toEqual([{ PolicyName: "PortalEcrPull", PolicyDocument: guide.permissionsPolicy }]);
    const provider = evaluate(template.Resources.PortalOidcProvider!.Properties, scope) as Record<string, Json>;
    expect(provider).toMatchObject({ Url: oidc.issuerUrl, ClientIdList: ["sts.amazonaws.com"] });
    expect(template.Resources.PortalOidcProvider!.Type).toBe("AWS::IAM::OIDCProvider");
  });

  it("offers the quick-create link only with the operator's S3 copy, with every parameter filled in", () => {
    expect(guideFor("PortalEcrPull").cloudFormation.quickCreateUrl).toBeNull();
    const link = new URL(guideFor("PortalEcrPull", undefined, { cloudFormationTemplateUrl: "https://bucket.s3.amazonaws.com/portal.json" }).cloudFormation.quickCreateUrl!);
    expect(link.origin).toBe("https://console.aws.amazon.com");
    expect(link.searchParams.get("region")).toBe("eu-west-1");
    const query = new URLSearchParams(link.hash.split("?")[1]);
    expect(link.hash.startsWith("#/stacks/quickcreate?")).toBe(true);
    expect(Object.fromEntries(query)).toEqual({
      templateURL: "https://bucket.s3.amazonaws.com/portal.json",
      stackName: "portal-PortalEcrPull",
      param_IssuerUrl: oidc.issuerUrl,
      param_Subject: oidc.subject,
      param_RoleName: "PortalEcrPull",
      param_RolePath: "/",
      param_CreateOidcProvider: "true",
      param_Thumbprint: oidc.thumbprint,
    });
  });
});

describe("Terraform configuration", () => {
  it("creates the provider and the role with the page's policies", () => {
    const guide = guideFor("ci/PortalEcrPull");
    const config = JSON.parse(guide.terraform.config) as { provider: { aws: { region: string } }; resource: Record<string, Record<string, Record<string, Json>>> };
    expect(guide.terraform.fileName.endsWith(".tf.json")).toBe(true);
    expect(config.provider.aws.region).toBe("eu-west-1");
    const role = config.resource.aws_iam_role!.portal_ecr_pull!;
    expect([role.name, role.path]).toEqual(["PortalEcrPull", "/ci/"]);
    expect(JSON.parse(role.assume_role_policy as string)).toEqual(guide.trustPolicy);
    expect(JSON.parse(config.resource.aws_iam_role_policy!.portal_ecr_pull!.policy as string)).toEqual(guide.permissionsPolicy);
    expect(config.resource.aws_iam_openid_connect_provider!.portal).toMatchObject({ url: oidc.issuerUrl, client_id_list: ["sts.amazonaws.com"], thumbprint_list: [oidc.thumbprint] });
  });

  it("points the provider and the commands at the local AWS in local mode", () => {
    const local = { iam: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4566", ecr: "http://127.0.0.1:4566" };
    const guide = guideFor("PortalEcrPull", undefined, { localEndpoints: local });
    const config = JSON.parse(guide.terraform.config) as { provider: { aws: { endpoints: Record<string, string>[] } } };
    expect(config.provider.aws.endpoints).toEqual([local]);
    for (const step of guide.steps) expect(step.command).toContain("--endpoint-url 'http://127.0.0.1:4566'");
  });
});

describe("setup steps", () => {
  it("creates the role with its final trust policy in one step, the whole checklist from a role name", () => {
    const guide = guideFor("PortalEcrPull");
    expect(guide.steps.map((step) => step.id)).toEqual(["provider", "role", "permissions"]);
    const role = guide.steps[1]!;
    expect(role.command).toContain("aws iam create-role --role-name 'PortalEcrPull'");
    expect(role.command).toContain(JSON.stringify(guide.trustPolicy, null, 2));
    expect(role.explanation).not.toMatch(/last step/);
    expect(guide.console.roleTrust).toBe("https://console.aws.amazon.com/iam/home#/roles/details/PortalEcrPull?section=trust_relationships");
  });
});
