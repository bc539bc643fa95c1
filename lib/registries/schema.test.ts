import { describe, expect, it } from "vitest";
import { ZCreateRegistryInput, ZUpdateRegistryInput } from "@/lib/registries/schema";

const base = {
  provider: "ecr",
  name: "",
  hostname: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
  authType: "access_key",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  roleArn: "",
  allApplications: true,
  applicationIds: [],
};

function errorsOf(input: unknown, schema: typeof ZCreateRegistryInput | typeof ZUpdateRegistryInput = ZCreateRegistryInput): Record<string, string> {
  const result = schema.safeParse(input);
  return Object.fromEntries((result.error?.issues ?? []).map((issue) => [issue.path.join("."), issue.message]));
}

describe("ZCreateRegistryInput", () => {
  it("accepts an access-key registry and an IAM one", () => {
    expect(errorsOf(base)).toEqual({});
    expect(errorsOf({ ...base, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "arn:aws:iam::123456789012:role/Pull" })).toEqual({});
  });

  it.each(["prod", "prod-ecr-2", "a", "x".repeat(63)])("accepts the name %j", (name) => {
    expect(errorsOf({ ...base, name })).toEqual({});
  });

  it.each(["Prod", "prod_ecr", "-prod", "prod-", "pr--od", "prod ecr", "x".repeat(64), "prød"])("rejects the name %j, saying what is allowed", (name) => {
    expect(errorsOf({ ...base, name }).name).toMatch(/lower-case letters, digits and single dashes/);
  });

  it.each([
    ["AKIA123", "AKIA or ASIA followed by 16"],
    ["AKIAiosfodnn7example", "AKIA or ASIA followed by 16"],
    ["AGPAIOSFODNN7EXAMPLE", "AKIA or ASIA followed by 16"],
  ])("rejects the access key ID %j", (accessKeyId, message) => {
    expect(errorsOf({ ...base, accessKeyId }).accessKeyId).toContain(message);
  });

  it.each(["", "tooshort", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1", "wJalrXUtnFEMI K7MDENG/bPxRfiCYEXAMPLEKEY"])("rejects the secret %j", (secretAccessKey) => {
    expect(errorsOf({ ...base, secretAccessKey }).secretAccessKey).toMatch(/40 characters/);
  });

  it("puts a bad hostname's explanation on the hostname field", () => {
    expect(errorsOf({ ...base, hostname: "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example" }).hostname).toMatch(/continues past it/);
  });

  it("needs a role name or ARN for IAM Authentication, in the registry's partition", () => {
    expect(errorsOf({ ...base, authType: "iam_role" }).roleArn).toMatch(/Enter the role's name, e.g. PortalEcrPull, or paste its full ARN/);
    expect(errorsOf({ ...base, authType: "iam_role", roleArn: "PortalEcrPull" })).toEqual({});
    expect(errorsOf({ ...base, authType: "iam_role", roleArn: "PortalEcrPull", roleAccountId: "42" }).roleAccountId).toMatch(/12 digits/);
    expect(errorsOf({ ...base, hostname: "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com", authType: "iam_role", roleArn: "arn:aws:iam::123456789012:role/Pull" }).roleArn).toMatch(
      /registry is in aws-us-gov/,
    );
  });

  it("refuses an unknown provider or auth type", () => {
    expect(errorsOf({ ...base, provider: "dockerhub" }).provider).toMatch(/Amazon ECR/);
    expect(errorsOf({ ...base, authType: "password" }).authType).toMatch(/access key or IAM/);
  });
});

describe("ZUpdateRegistryInput", () => {
  it("ignores empty key fields unless the key is being replaced", () => {
    const update = { ...base, registryId: "r1", accessKeyId: "", secretAccessKey: "", replaceAccessKey: false };
    expect(errorsOf(update, ZUpdateRegistryInput)).toEqual({});
    expect(Object.keys(errorsOf({ ...update, replaceAccessKey: true }, ZUpdateRegistryInput))).toEqual(["accessKeyId", "secretAccessKey"]);
  });
});
