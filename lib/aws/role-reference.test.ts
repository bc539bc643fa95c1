import { describe, expect, it } from "vitest";
import { parseEcrHostname, type EcrHostname } from "@/lib/aws/ecr-hostname";
import { resolveRoleReference, roleReferenceOf } from "@/lib/aws/role-reference";

function registry(hostname: string): EcrHostname {
  const parsed = parseEcrHostname(hostname);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const EU = registry("111111111111.dkr.ecr.eu-west-1.amazonaws.com");
const GOV = registry("111111111111.dkr.ecr.us-gov-west-1.amazonaws.com");

describe("resolveRoleReference", () => {
  it("puts a role name in the registry's account and partition", () => {
    expect(resolveRoleReference({ role: "PortalEcrPull", accountId: "", registry: EU })).toMatchObject({ ok: true, value: { arn: "arn:aws:iam::111111111111:role/PortalEcrPull" } });
    expect(resolveRoleReference({ role: "PortalEcrPull", accountId: "", registry: GOV })).toMatchObject({ ok: true, value: { arn: "arn:aws-us-gov:iam::111111111111:role/PortalEcrPull" } });
  });

  it("keeps a path and uses another account for a cross-account role", () => {
    expect(resolveRoleReference({ role: "ci/PortalEcrPull", accountId: "222222222222", registry: EU })).toMatchObject({
      ok: true,
      value: { arn: "arn:aws:iam::222222222222:role/ci/PortalEcrPull", path: "/ci/", roleName: "PortalEcrPull", accountId: "222222222222" },
    });
  });

  it("accepts a pasted full ARN and ignores the account field", () => {
    expect(resolveRoleReference({ role: " arn:aws:iam::333333333333:role/Pull ", accountId: "222222222222", registry: EU })).toMatchObject({ ok: true, value: { accountId: "333333333333" } });
    expect(resolveRoleReference({ role: "arn:aws-cn:iam::333333333333:role/Pull", accountId: "", registry: EU })).toMatchObject({ ok: false, field: "roleArn" });
  });

  it("names the field to fix", () => {
    expect(resolveRoleReference({ role: "", accountId: "", registry: EU })).toMatchObject({ ok: false, field: "roleArn" });
    expect(resolveRoleReference({ role: "bad name!", accountId: "", registry: EU })).toMatchObject({ ok: false, field: "roleArn" });
    expect(resolveRoleReference({ role: "Pull", accountId: "12345", registry: EU })).toMatchObject({ ok: false, field: "roleAccountId" });
    expect(resolveRoleReference({ role: "Pull", accountId: "", registry: registry("public.ecr.aws") })).toMatchObject({ ok: false, field: "roleAccountId" });
  });
});

describe("roleReferenceOf", () => {
  it("shows a stored ARN as its name, with the account only when it differs from the registry's", () => {
    expect(roleReferenceOf("arn:aws:iam::111111111111:role/ci/Pull", EU)).toEqual({ role: "ci/Pull", accountId: "" });
    expect(roleReferenceOf("arn:aws:iam::222222222222:role/Pull", EU)).toEqual({ role: "Pull", accountId: "222222222222" });
    expect(roleReferenceOf("arn:aws:iam::222222222222:role/Pull", null)).toEqual({ role: "arn:aws:iam::222222222222:role/Pull", accountId: "" });
  });
});
