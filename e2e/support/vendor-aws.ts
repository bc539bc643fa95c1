// The vendor's side of the setup, done in the local AWS with the real IAM and
// ECR SDKs, as the portal's setup checklist tells a vendor to do it: OIDC
// provider, role, permissions, (cross-account repository policy), trust policy.
import { ECRClient, SetRepositoryPolicyCommand } from "@aws-sdk/client-ecr";
import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import type { LocalAwsAccount } from "./constants";

export const ECR_PULL_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"], Resource: "*" }],
});

/** A trust policy that allows the issuer's tokens for `sub` (or for every subject when sub is null). */
export function trustPolicyJson(input: { accountId: string; issuerUrl: string; audience?: string; sub: string | null }): string {
  const provider = input.issuerUrl.replace(/^https?:\/\//, "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${input.accountId}:oidc-provider/${provider}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${provider}:aud`]: input.audience ?? "sts.amazonaws.com", ...(input.sub ? { [`${provider}:sub`]: input.sub } : {}) } },
      },
    ],
  });
}

export class VendorAws {
  readonly iam: IAMClient;
  constructor(
    readonly endpoint: string,
    readonly account: LocalAwsAccount,
  ) {
    this.iam = new IAMClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: account.accessKeyId, secretAccessKey: account.secretAccessKey } });
  }

  ecr(region: string): ECRClient {
    return new ECRClient({ region, endpoint: this.endpoint, credentials: { accessKeyId: this.account.accessKeyId, secretAccessKey: this.account.secretAccessKey } });
  }

  async createProvider(issuerUrl: string, clientIds = ["sts.amazonaws.com"], thumbprints?: string[]): Promise<void> {
    await this.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuerUrl, ClientIDList: clientIds, ...(thumbprints ? { ThumbprintList: thumbprints } : {}) }));
  }

  /** Creates a role (with a placeholder trust policy until step 5, as the checklist orders it) and returns its ARN. */
  async createRole(name: string, trustPolicy: string, options: { pullPolicy?: boolean } = {}): Promise<string> {
    const role = await this.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustPolicy }));
    if (options.pullPolicy ?? true) await this.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: "PortalEcrPull", PolicyDocument: ECR_PULL_POLICY }));
    return role.Role!.Arn!;
  }

  async updateTrustPolicy(roleName: string, trustPolicy: string): Promise<void> {
    await this.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trustPolicy }));
  }

  /** Deletes a role as a vendor would by mistake: its inline pull policy first (IAM refuses otherwise), then the role. */
  async deleteRole(roleName: string): Promise<void> {
    await this.iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: "PortalEcrPull" })).catch(() => undefined);
    await this.iam.send(new DeleteRoleCommand({ RoleName: roleName }));
  }

  /** An IAM user with an access key, allowed to pull unless `pullPolicy` is false. */
  async createUserWithKey(name: string, options: { pullPolicy?: boolean } = {}): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    await this.iam.send(new CreateUserCommand({ UserName: name }));
    if (options.pullPolicy ?? true) await this.putUserPullPolicy(name);
    const key = await this.iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  }

  async putUserPullPolicy(userName: string): Promise<void> {
    await this.iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: "PortalEcrPull", PolicyDocument: ECR_PULL_POLICY }));
  }

  async allowCrossAccountPull(region: string, repository: string, principalArn: string): Promise<void> {
    await this.ecr(region).send(
      new SetRepositoryPolicyCommand({
        repositoryName: repository,
        policyText: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Sid: "PortalPull", Effect: "Allow", Principal: { AWS: principalArn }, Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"] }],
        }),
      }),
    );
  }
}
