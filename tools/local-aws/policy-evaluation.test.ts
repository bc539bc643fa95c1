import { describe, expect, it } from "vitest";
import { evaluatePolicies, parsePolicy, wildcardMatch, type PolicyDocument } from "./policy-evaluation";

const allow = (statement: Record<string, unknown>): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement } as never] });

describe("policy evaluation", () => {
  it("matches actions case-insensitively with wildcards and resources case-sensitively", () => {
    const policy = allow({ Action: "ECR:Batch*", Resource: "arn:aws:ecr:us-east-1:111111111111:repository/team-?/*" });
    expect(evaluatePolicies([policy], { action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:111111111111:repository/team-a/app" })).toBe("allow");
    expect(evaluatePolicies([policy], { action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-east-1:111111111111:repository/TEAM-a/app" })).toBe("implicit-deny");
    expect(evaluatePolicies([policy], { action: "ecr:GetDownloadUrlForLayer", resource: "arn:aws:ecr:us-east-1:111111111111:repository/team-a/app" })).toBe("implicit-deny");
  });

  it("lets an explicit deny win and honours NotAction", () => {
    const documents = [allow({ Action: "*", Resource: "*" }), { Statement: { Effect: "Deny" as const, NotAction: "ecr:Get*", Resource: "*" } }];
    expect(evaluatePolicies(documents, { action: "ecr:GetAuthorizationToken", resource: "*" })).toBe("allow");
    expect(evaluatePolicies(documents, { action: "ecr:PutImage", resource: "*" })).toBe("deny");
  });

  it("evaluates string conditions, set operators and IfExists", () => {
    const trust = (condition: Record<string, Record<string, string | string[]>>) =>
      allow({ Principal: { Federated: "arn:aws:iam::1:oidc-provider/issuer" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition });
    const request = (context: Record<string, string[]>) => ({ action: "sts:AssumeRoleWithWebIdentity", principal: { Federated: ["arn:aws:iam::1:oidc-provider/issuer"] }, context });
    expect(evaluatePolicies([trust({ StringEquals: { "issuer:sub": ["a", "b"] } })], request({ "issuer:sub": ["b"] }))).toBe("allow");
    expect(evaluatePolicies([trust({ StringEquals: { "ISSUER:SUB": "b" } })], request({ "issuer:sub": ["b"] }))).toBe("allow");
    expect(evaluatePolicies([trust({ StringEquals: { "issuer:sub": "a" } })], request({}))).toBe("implicit-deny");
    expect(evaluatePolicies([trust({ StringNotEquals: { "issuer:sub": "a" } })], request({}))).toBe("allow");
    expect(evaluatePolicies([trust({ StringEqualsIfExists: { "issuer:azp": "portal" } })], request({}))).toBe("allow");
    expect(evaluatePolicies([trust({ "ForAllValues:StringLike": { "issuer:amr": ["pwd", "m*"] } })], request({ "issuer:amr": ["pwd", "mfa"] }))).toBe("allow");
    expect(evaluatePolicies([trust({ "ForAllValues:StringLike": { "issuer:amr": ["pwd"] } })], request({ "issuer:amr": ["pwd", "mfa"] }))).toBe("implicit-deny");
    expect(evaluatePolicies([trust({ "ForAnyValue:StringEquals": { "issuer:amr": "mfa" } })], request({ "issuer:amr": ["pwd"] }))).toBe("implicit-deny");
  });

  it("requires the principal of a trust or resource policy to match", () => {
    const policy = allow({ Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "ecr:BatchGetImage" });
    const resource = "arn:aws:ecr:us-east-1:111111111111:repository/app";
    expect(evaluatePolicies([policy], { action: "ecr:BatchGetImage", resource, principal: { AWS: ["arn:aws:iam::222222222222:root", "222222222222"] } })).toBe("allow");
    expect(evaluatePolicies([policy], { action: "ecr:BatchGetImage", resource, principal: { AWS: ["arn:aws:iam::333333333333:root"] } })).toBe("implicit-deny");
  });

  it("treats * and ? as the only wildcards", () => {
    expect(wildcardMatch("a.b*", "a.bc", false)).toBe(true);
    expect(wildcardMatch("a.b*", "axbc", false)).toBe(false);
    expect(wildcardMatch("a?c", "abc", false)).toBe(true);
  });

  it("refuses a document that is not JSON or lacks a Statement", () => {
    expect(() => parsePolicy("{")).toThrow("Syntax errors in policy.");
    expect(() => parsePolicy("{}")).toThrow("Missing required field Statement");
  });
});
