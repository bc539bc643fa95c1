import "server-only";
// The STS and ECR clients for a registry, shared by the Test and the proxy:
// the registry's API region, FIPS endpoints when the hostname asks for them,
// the configured endpoint URL when there is one, no SDK retries (callers
// decide what a failure means), and the given credentials or the default
// chain. Also the ECR login and the web-identity exchange both use.
//
// The SDK is loaded on first use: the proxy's front process needs it only
// when it renews an ECR login (a vendor without ECR never does), and loaded
// it holds about 25 MiB of that process's memory.
import type { ECRClient } from "@aws-sdk/client-ecr";
import type { STSClient } from "@aws-sdk/client-sts";
import type { EcrHostname } from "@/lib/aws/ecr-hostname";

export const loadSts = () => import("@aws-sdk/client-sts");
export const loadEcr = () => import("@aws-sdk/client-ecr");

export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export async function createStsClient(hostname: EcrHostname, endpoint: string | undefined, credentials?: AwsCredentials): Promise<STSClient> {
  const { STSClient } = await loadSts();
  return new STSClient({
    region: hostname.apiRegion,
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : { useFipsEndpoint: hostname.fips }),
    ...(credentials ? { credentials } : {}),
  });
}

export async function createEcrClient(hostname: EcrHostname, endpoint: string | undefined, credentials?: AwsCredentials): Promise<ECRClient> {
  const { ECRClient } = await loadEcr();
  return new ECRClient({
    region: hostname.apiRegion,
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : { useFipsEndpoint: hostname.fips }),
    ...(credentials ? { credentials } : {}),
  });
}

export interface RoleSession {
  credentials: Required<AwsCredentials>;
  expiresAt: Date | undefined;
  assumedRoleArn: string | undefined;
  requestId: string | undefined;
}

/** AssumeRoleWithWebIdentity; throws the SDK's error (AccessDenied, InvalidIdentityToken, …) as is. */
export async function assumeRoleWithWebIdentity(
  sts: STSClient,
  input: { roleArn: string; sessionName: string; webIdentityToken: string; durationSeconds: number },
  signal: AbortSignal,
): Promise<RoleSession> {
  const { AssumeRoleWithWebIdentityCommand } = await loadSts();
  const response = await sts.send(
    new AssumeRoleWithWebIdentityCommand({ RoleArn: input.roleArn, RoleSessionName: input.sessionName, WebIdentityToken: input.webIdentityToken, DurationSeconds: input.durationSeconds }),
    { abortSignal: signal },
  );
  const c = response.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error("STS returned no credentials");
  return {
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
    expiresAt: c.Expiration,
    assumedRoleArn: response.AssumedRoleUser?.Arn,
    requestId: response.$metadata.requestId,
  };
}

export interface EcrLogin {
  /** The base64 `AWS:<password>` token as ECR returns it. */
  authorizationToken: string;
  expiresAt: Date | undefined;
  requestId: string | undefined;
}

/** GetAuthorizationToken; throws when ECR returns no token. */
export async function getEcrLogin(ecr: ECRClient, signal: AbortSignal): Promise<EcrLogin> {
  const { GetAuthorizationTokenCommand } = await loadEcr();
  const response = await ecr.send(new GetAuthorizationTokenCommand({}), { abortSignal: signal });
  const data = response.authorizationData?.[0];
  if (!data?.authorizationToken) throw new Error("ECR returned no authorization data");
  return { authorizationToken: data.authorizationToken, expiresAt: data.expiresAt, requestId: response.$metadata.requestId };
}
