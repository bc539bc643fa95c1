import type { Partition } from "@/lib/aws/partitions";
import type { ParseResult } from "@/lib/parse-result";

export interface RoleArn {
  arn: string;
  partition: Partition;
  accountId: string;
  path: string;
  roleName: string;
}

const ROLE_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;
const EXAMPLE = "Role ARN must look like arn:aws:iam::123456789012:role/Name";

export function parseRoleArn(input: string, options: { partition?: Partition } = {}): ParseResult<RoleArn> {
  const arn = input.trim();
  if (arn.length === 0) return { ok: false, message: `${EXAMPLE}.` };
  if (arn.length > 2048) return { ok: false, message: `That is too long for a role ARN. ${EXAMPLE}.` };
  const match = ROLE_ARN_PATTERN.exec(arn);
  if (!match) {
    if (/^arn:[^:]*:iam::\d{12}:user\//.test(arn)) return { ok: false, message: `That is a user ARN; enter the ARN of the IAM role to assume. ${EXAMPLE}.` };
    if (/^arn:[^:]*:sts::/.test(arn)) return { ok: false, message: `That is an assumed-role session ARN; enter the role's own ARN. ${EXAMPLE}.` };
    return { ok: false, message: `${EXAMPLE} (12-digit account; name of letters, digits and +=,.@_- up to 64 characters).` };
  }
  // IAM limits a path to 512 characters, slashes included.
  if (match[3]!.length + 1 > 512) return { ok: false, message: `The role's path is longer than IAM allows (512 characters). ${EXAMPLE}.` };
  const partition = match[1] as Partition;
  if (options.partition && partition !== options.partition) {
    return { ok: false, message: `This role is in partition ${partition} but the registry is in ${options.partition}; a role can only be assumed in its own partition. Use arn:${options.partition}:iam::….` };
  }
  return { ok: true, value: { arn, partition, accountId: match[2]!, path: `/${match[3]!}`, roleName: match[4]! } };
}
