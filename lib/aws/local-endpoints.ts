// "Local mode": the portal's AWS endpoint overrides point at a local AWS on
// this machine (tools/local-aws or a similar emulator that serves IAM, STS and
// ECR on one URL), not at AWS or a VPC endpoint. The setup guide then puts the
// endpoints into its commands and Terraform, and the issuer warnings (which
// are about what real AWS accepts) say they do not apply.
import type { CliEndpoints } from "@/lib/aws/setup-commands";

export type LocalEndpoints = CliEndpoints & { sts: string };

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1";
  } catch {
    return false;
  }
}

/** The local AWS's endpoints, or null when the portal talks to real AWS. */
export function localAwsEndpoints(env: { AWS_ENDPOINT_URL_STS?: string | undefined; AWS_ENDPOINT_URL_ECR?: string | undefined }): LocalEndpoints | null {
  const sts = env.AWS_ENDPOINT_URL_STS;
  if (!sts || !isLoopbackUrl(sts)) return null;
  const ecr = env.AWS_ENDPOINT_URL_ECR && isLoopbackUrl(env.AWS_ENDPOINT_URL_ECR) ? env.AWS_ENDPOINT_URL_ECR : sts;
  return { iam: sts, sts, ecr };
}
