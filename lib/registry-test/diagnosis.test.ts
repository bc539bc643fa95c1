import { describe, expect, it } from "vitest";
import { diagnose, type DiagnosisContext } from "@/lib/registry-test/diagnosis";
import type { CallFailure } from "@/lib/registry-test/failure";

const context: DiagnosisContext = {
  issuerUrl: "https://portal.example.com/oidc",
  hostname: "111111111111.dkr.ecr.eu-west-1.amazonaws.com",
  region: "eu-west-1",
  registryAccountId: "111111111111",
  roleArn: "arn:aws:iam::111111111111:role/PortalPull",
  roleAccountId: "111111111111",
  sentClaims: { iss: "https://portal.example.com/oidc", aud: "sts.amazonaws.com", sub: "team_abcdefghijklmnopqrstuvwxyz" },
  thumbprint: "0123456789abcdef0123456789abcdef01234567",
};

const aws = (code: string, message: string): CallFailure => ({ kind: "aws", code, message, httpStatus: 400, requestId: "req-1" });

describe("diagnose", () => {
  it("points a missing OIDC provider at setup step 1 with the exact issuer", () => {
    const d = diagnose("assume-role", aws("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://portal.example.com/oidc"), context);
    expect(d.setupStep).toBe("provider");
    expect(d.summary).toContain("https://portal.example.com/oidc");
    expect(d.awsCode).toBe("InvalidIdentityToken");
    expect(d.awsMessage).toContain("No OpenIDConnect provider");
  });

  it("blames the portal's public URL when AWS cannot fetch the keys", () => {
    const d = diagnose("assume-role", aws("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements"), context);
    expect(d.setupStep).toBe("portal");
    expect(d.fix).toMatch(/APP_URL|OIDC_ISSUER_URL/);
  });

  it("treats IDPCommunicationError like an unreachable issuer", () => {
    expect(diagnose("assume-role", aws("IDPCommunicationError", "x"), context).setupStep).toBe("portal");
  });

  it("asks for the sts.amazonaws.com audience on a wrong audience", () => {
    const d = diagnose("assume-role", aws("InvalidIdentityToken", "Incorrect token audience"), context);
    expect(d.setupStep).toBe("provider");
    expect(d.snippet).toBe("sts.amazonaws.com");
  });

  it("offers the portal's thumbprint on a thumbprint mismatch", () => {
    const d = diagnose("assume-role", aws("InvalidIdentityToken", "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint"), context);
    expect(d.setupStep).toBe("provider");
    expect(d.snippet).toBe(context.thumbprint);
  });

  it("shows the iss, aud and sub sent when AWS refuses the role", () => {
    const d = diagnose("assume-role", aws("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"), context);
    expect(d.setupStep).toBe("role");
    expect(d.fix).toContain("team_abcdefghijklmnopqrstuvwxyz");
    expect(d.fix).toContain("does not exist");
    expect(JSON.parse(d.snippet!)).toEqual(context.sentClaims);
  });

  it("explains an expired token as a clock problem", () => {
    expect(diagnose("assume-role", aws("ExpiredTokenException", "Token expired: current date/time 1 must be before the expiration date/time 0"), context).fix).toMatch(/clock/);
  });

  it("asks for a longer maximum session on a DurationSeconds validation error", () => {
    const d = diagnose("assume-role", aws("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."), context);
    expect(d.setupStep).toBe("role");
  });

  it("quotes the missing ECR action and points at the permissions step", () => {
    const d = diagnose(
      "ecr-token",
      aws("AccessDeniedException", "User: arn:aws:sts::111111111111:assumed-role/PortalPull/s is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action"),
      context,
    );
    expect(d.setupStep).toBe("permissions");
    expect(d.summary).toContain("ecr:GetAuthorizationToken");
  });

  it("points a cross-account denial at the repository policy", () => {
    const d = diagnose(
      "ecr-token",
      aws("AccessDeniedException", "User: arn:aws:sts::222222222222:assumed-role/R/s is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:eu-west-1:111111111111:repository/app because no resource-based policy allows the ecr:BatchGetImage action"),
      { ...context, roleAccountId: "222222222222" },
    );
    expect(d.setupStep).toBe("repository-policy");
  });

  it("tells an unknown access key from a wrong secret", () => {
    expect(diagnose("caller-identity", aws("InvalidClientTokenId", "The security token included in the request is invalid."), context).summary).toMatch(/does not recognise the access key/);
    expect(diagnose("caller-identity", aws("SignatureDoesNotMatch", "The request signature we calculated does not match"), context).summary).toMatch(/secret access key is wrong/);
  });

  it("shows an unknown AWS error's code and message unchanged", () => {
    const d = diagnose("ecr-token", aws("SomethingNew", "A brand new failure"), context);
    expect(d.awsCode).toBe("SomethingNew");
    expect(d.awsMessage).toBe("A brand new failure");
    expect(d.summary).toContain("SomethingNew: A brand new failure");
  });

  it("explains timeouts and network errors with the endpoint", () => {
    expect(diagnose("assume-role", { kind: "timeout", seconds: 10, wholeTest: false }, context).summary).toContain("10 s");
    expect(diagnose("registry-login", { kind: "network", code: "ENOTFOUND", message: "the host name did not resolve in DNS" }, context).summary).toContain(context.hostname);
  });

  it("explains registry 401, 403 and a missing manifest", () => {
    expect(diagnose("registry-login", { kind: "registry", httpStatus: 401 }, context).setupStep).toBe("registry");
    expect(diagnose("manifest", { kind: "registry", httpStatus: 403, code: "DENIED" }, context).setupStep).toBe("permissions");
    const missing = diagnose("manifest", { kind: "registry", httpStatus: 404, code: "MANIFEST_UNKNOWN", message: "manifest unknown" }, { ...context, image: "app:9" });
    expect(missing.setupStep).toBe("image");
    expect(missing.summary).toContain("app:9");
    expect(missing.awsCode).toBe("MANIFEST_UNKNOWN");
  });

  it("never shows an internal error's detail, only a request ID", () => {
    const d = diagnose("sign-token", { kind: "internal", requestId: "abc-123" }, context);
    expect(d.fix).toContain("abc-123");
  });
});
