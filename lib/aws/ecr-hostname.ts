// Parsing of Amazon ECR registry hostnames. Pure: used by the registry form
// in the browser and re-checked on the server. Everything not matching one
// anchored pattern is refused, with a message saying what is expected.
import { ECR_FIPS_REGIONS, partitionOfRegion, REGIONS, type Partition } from "@/lib/aws/partitions";
import type { ParseResult } from "@/lib/parse-result";

export interface EcrHostname {
  hostname: string;
  kind: "private" | "public";
  accountId: string | null;
  region: string;
  partition: Partition;
  fips: boolean;
  dualStack: boolean;
  /** The region whose ECR API serves this registry (always us-east-1 for ECR Public). */
  apiRegion: string;
}

export const ECR_PUBLIC_HOSTNAME = "public.ecr.aws";
const REGION = String.raw`[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}`;

/** Every accepted, normalised hostname matches this pattern. */
export const ECR_HOSTNAME_PATTERN = new RegExp(
  String.raw`^(?:public\.ecr\.aws|(\d{12})\.dkr\.ecr(-fips)?\.(${REGION})\.amazonaws\.com(\.cn)?|(\d{12})\.dkr-ecr(-fips)?\.(${REGION})\.(on\.aws|on\.amazonwebservices\.com\.cn))$`,
);

const EXAMPLE = "Enter an ECR registry hostname like 123456789012.dkr.ecr.us-east-1.amazonaws.com (no https://, port or path)";

export function parseEcrHostname(input: string): ParseResult<EcrHostname> {
  let value = input.trim();
  if (value.length === 0) return fail(`${EXAMPLE}.`);
  if (value.length > 253) return fail(`That is too long for a hostname. ${EXAMPLE}.`);
  // Refuse look-alikes before any normalisation could fold them into ASCII.
  if (/[^\x21-\x7e]/.test(value)) return fail(`The hostname contains spaces or non-ASCII characters (look-alike letters are not accepted). ${EXAMPLE}.`);
  if (/^http:\/\//i.test(value)) return fail("ECR registries are only served over https://; enter just the hostname, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com.");
  value = value.replace(/^https:\/\//i, "");
  if (value.endsWith("/")) value = value.slice(0, -1);
  if (value.includes("@")) return fail(`Remove the user name: the hostname must not contain "@". ${EXAMPLE}.`);
  if (value.includes("/")) return fail(`Remove the path: enter only the registry hostname, without /repository. ${EXAMPLE}.`);
  if (/^\[.*\]/.test(value) || /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(value)) return fail(`IP addresses are not accepted; use the registry's ECR hostname. ${EXAMPLE}.`);
  if (value.includes(":")) return fail(`Remove the port: ECR registries are always on port 443. ${EXAMPLE}.`);
  value = value.toLowerCase();
  if (value.split(".").some((label) => label.startsWith("xn--"))) return fail(`Internationalised (punycode) names are not ECR hostnames. ${EXAMPLE}.`);
  if (value === ECR_PUBLIC_HOSTNAME) {
    return { ok: true, value: { hostname: value, kind: "public", accountId: null, region: "us-east-1", partition: "aws", fips: false, dualStack: false, apiRegion: "us-east-1" } };
  }
  const match = ECR_HOSTNAME_PATTERN.exec(value);
  if (!match) return fail(explainMismatch(value));
  const dualStack = match[5] !== undefined;
  const accountId = (dualStack ? match[5] : match[1])!;
  const fips = Boolean(dualStack ? match[6] : match[2]);
  const region = (dualStack ? match[7] : match[3])!;
  const china = dualStack ? match[8] === "on.amazonwebservices.com.cn" : match[4] !== undefined;
  const partition = partitionOfRegion(region);
  if (china !== (partition === "aws-cn")) {
    return fail(china ? `${region} is not a China region; .amazonaws.com.cn hostnames are only for cn-north-1 and cn-northwest-1.` : `${region} is a China region; its hostname ends in .amazonaws.com.cn.`);
  }
  if (fips && partition === "aws-cn") return fail("ECR has no FIPS endpoints in the China regions.");
  if (!REGIONS[partition].includes(region)) return fail(`${region} is not an AWS region where ECR is available. Check the region in the hostname, e.g. us-east-1.`);
  if (fips && !ECR_FIPS_REGIONS.includes(region)) return fail(`ECR has no FIPS endpoint in ${region}; FIPS endpoints exist only in ${ECR_FIPS_REGIONS.join(", ")}. Remove "-fips" from the hostname.`);
  return { ok: true, value: { hostname: value, kind: "private", accountId, region, partition, fips, dualStack, apiRegion: region } };
}

function explainMismatch(value: string): string {
  if (/amazonaws\.com(\.cn)?\.|on\.aws\./.test(value)) return `The hostname must end in .amazonaws.com, .amazonaws.com.cn or .on.aws; "${value}" continues past it. ${EXAMPLE}.`;
  const account = /^([^.]*)\.dkr/.exec(value)?.[1];
  if (account !== undefined && !/^\d{12}$/.test(account)) return `The account ID must be exactly 12 digits; "${account}" is not. ${EXAMPLE}.`;
  return `"${value}" is not an Amazon ECR registry hostname. ${EXAMPLE}.`;
}

function fail(message: string): ParseResult<never> {
  return { ok: false, message };
}
