import { describe, expect, it } from "vitest";
import { parseRoleArn } from "@/lib/aws/arn";

describe("parseRoleArn", () => {
  it.each([
    ["arn:aws:iam::123456789012:role/ReplicatedECRPullRole", { partition: "aws", accountId: "123456789012", path: "/", roleName: "ReplicatedECRPullRole" }],
    ["arn:aws:iam::123456789012:role/service/pull/Portal+Pull=1,a.b@c-d_e", { path: "/service/pull/", roleName: "Portal+Pull=1,a.b@c-d_e" }],
    [`arn:aws:iam::123456789012:role/${"p/".repeat(255)}Name`, { roleName: "Name" }],
    ["arn:aws-cn:iam::123456789012:role/Pull", { partition: "aws-cn" }],
    ["arn:aws-us-gov:iam::123456789012:role/Pull", { partition: "aws-us-gov" }],
    [`arn:aws:iam::123456789012:role/${"a".repeat(64)}`, { roleName: "a".repeat(64) }],
  ])("accepts %s", (input, expected) => {
    const result = parseRoleArn(input);
    expect(result.ok && result.value).toMatchObject(expected);
  });

  it.each([
    ["", /must look like arn:aws:iam::123456789012:role\/Name/],
    ["arn:aws:iam::12345678901:role/Name", /must look like/],
    ["arn:aws:iam::123456789012:role/", /must look like/],
    [`arn:aws:iam::123456789012:role/${"a".repeat(65)}`, /must look like/],
    ["arn:aws:iam::123456789012:role/Bad Name", /must look like/],
    ["arn:aws:iam::123456789012:user/ci", /user ARN/],
    ["arn:aws:sts::123456789012:assumed-role/Name/session", /assumed-role session ARN/],
    ["arn:aws-iso:iam::123456789012:role/Name", /must look like/],
    [`arn:aws:iam::123456789012:role/${"p/".repeat(256)}Name`, /path is longer than IAM allows \(512 characters\)/],
  ])("rejects %j", (input, message) => {
    const result = parseRoleArn(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it("refuses a role in another partition than the registry's", () => {
    const result = parseRoleArn("arn:aws-cn:iam::123456789012:role/Pull", { partition: "aws" });
    expect(!result.ok && result.message).toMatch(/partition aws-cn but the registry is in aws/);
  });
});
