// Links into the AWS console for the setup steps, in the registry's partition.
import type { Partition } from "@/lib/aws/partitions";

const CONSOLE_ORIGIN: Record<Partition, string> = {
  aws: "https://console.aws.amazon.com",
  "aws-cn": "https://console.amazonaws.cn",
  "aws-us-gov": "https://console.amazonaws-us-gov.com",
};

export function consoleOrigin(partition: Partition): string {
  return CONSOLE_ORIGIN[partition];
}

export interface ConsoleLinks {
  identityProviders: string;
  roleTrust: string;
  repositories: string;
}

export function buildConsoleLinks(input: { partition: Partition; roleName: string; region: string }): ConsoleLinks {
  const origin = consoleOrigin(input.partition);
  return {
    identityProviders: `${origin}/iam/home#/identity_providers`,
    roleTrust: `${origin}/iam/home#/roles/details/${encodeURIComponent(input.roleName)}?section=trust_relationships`,
    repositories: `${origin}/ecr/private-registry/repositories?region=${encodeURIComponent(input.region)}`,
  };
}
