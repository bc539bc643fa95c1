import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ECR_HOSTNAME_PATTERN, parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { ECR_FIPS_REGIONS, REGIONS, type Partition } from "@/lib/aws/partitions";

describe("parseEcrHostname", () => {
  it.each([
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com", { accountId: "123456789012", region: "us-east-1", partition: "aws", fips: false, dualStack: false }],
    ["123456789012.dkr.ecr-fips.us-west-2.amazonaws.com", { region: "us-west-2", fips: true }],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", { region: "cn-north-1", partition: "aws-cn" }],
    ["123456789012.dkr.ecr.us-gov-west-1.amazonaws.com", { region: "us-gov-west-1", partition: "aws-us-gov" }],
    ["123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com", { partition: "aws-us-gov", fips: true }],
    ["123456789012.dkr-ecr.eu-central-1.on.aws", { region: "eu-central-1", dualStack: true }],
    ["123456789012.dkr-ecr-fips.us-east-2.on.aws", { dualStack: true, fips: true }],
    ["123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn", { partition: "aws-cn", dualStack: true }],
    ["public.ecr.aws", { kind: "public", accountId: null, apiRegion: "us-east-1" }],
    ["https://public.ecr.aws/", { kind: "public", hostname: "public.ecr.aws" }],
    ["123456789012.dkr-ecr.us-gov-west-1.on.aws", { partition: "aws-us-gov", dualStack: true }],
    ["123456789012.dkr.ecr.us-gov-east-1.amazonaws.com", { region: "us-gov-east-1", partition: "aws-us-gov", apiRegion: "us-gov-east-1" }],
  ])("accepts %s", (input, expected) => {
    const result = parseEcrHostname(input);
    expect(result.ok && result.value).toMatchObject(expected);
  });

  it("normalises a pasted https:// prefix, a trailing slash, spaces and upper case", () => {
    const result = parseEcrHostname("  HTTPS://123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM/ ");
    expect(result.ok && result.value.hostname).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com");
  });

  it.each([
    ["", /like 123456789012/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com:443", /port/],
    ["user@123456789012.dkr.ecr.us-east-1.amazonaws.com", /user name/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo", /path/],
    ["http://123456789012.dkr.ecr.us-east-1.amazonaws.com", /https/],
    ["52.94.1.1", /IP addresses/],
    ["[::1]", /IP addresses/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example", /continues past it/],
    ["evil.example/123456789012.dkr.ecr.us-east-1.amazonaws.com", /path/],
    ["x123456789012.dkr.ecr.us-east-1.amazonaws.com", /12 digits/],
    ["12345678901.dkr.ecr.us-east-1.amazonaws.com", /12 digits/],
    ["1234567890123.dkr.ecr.us-east-1.amazonaws.com", /12 digits/],
    ["123456789012.dkr.ecr.us-east-1.аmazonaws.com", /non-ASCII/],
    ["123456789012．dkr.ecr.us-east-1.amazonaws.com", /non-ASCII/],
    ["123456789012.dkr.ecr.us-east-1.xn--amazonaws-xyz.com", /punycode/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com.cn", /not a China region/],
    ["123456789012.dkr.ecr.cn-north-1.amazonaws.com", /China region/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.co", /not an Amazon ECR registry hostname/],
    ["ecr.us-east-1.amazonaws.com", /not an Amazon ECR registry hostname/],
    ["a".repeat(254), /too long/],
    ["evil.example", /not an Amazon ECR registry hostname/],
    ["public.ecr.aws.evil.example", /continues past it|not an Amazon ECR/],
    ["https://123456789012.dkr.ecr.us-east-1.amazonaws.com:8443/", /port/],
    ["https://user:pass@123456789012.dkr.ecr.us-east-1.amazonaws.com", /user name/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com.", /continues past it/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com?x=1", /not an Amazon ECR registry hostname/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com#frag", /not an Amazon ECR registry hostname/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com\\evil", /not an Amazon ECR registry hostname/],
    ["123456789012.dkr.ecr.us-east-1.on.aws", /not an Amazon ECR registry hostname/],
    ["123456789012.dkr-ecr.us-east-1.amazonaws.com", /not an Amazon ECR registry hostname/],
    ["123456789012.dkr.еcr.us-east-1.amazonaws.com", /non-ASCII/],
    ["１２３456789012.dkr.ecr.us-east-1.amazonaws.com", /non-ASCII/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com\u200b", /non-ASCII/],
    ["123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example/", /continues past it/],
    ["[2001:db8::1]:443", /IP addresses/],
    ["10.0.0.1:5000", /IP addresses/],
    ["localhost", /not an Amazon ECR registry hostname/],
    ["123456789012.dkr.ecr-fips.cn-north-1.amazonaws.com.cn", /no FIPS endpoints/],
    ["123456789012.dkr.ecr.us-east-99.amazonaws.com", /us-east-99 is not an AWS region where ECR is available/],
    ["123456789012.dkr.ecr.xx-north-1.amazonaws.com", /xx-north-1 is not an AWS region/],
    ["123456789012.dkr-ecr.us-gov-north-1.on.aws", /us-gov-north-1 is not an AWS region/],
    ["123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com", /no FIPS endpoint in eu-west-1/],
    ["123456789012.dkr-ecr-fips.ap-southeast-2.on.aws", /no FIPS endpoint in ap-southeast-2/],
  ])("rejects %j with a message that says what is wrong", (input, message) => {
    const result = parseEcrHostname(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

const account = fc.stringMatching(/^\d{12}$/);
const partitionRegion = fc.constantFrom(...(Object.entries(REGIONS) as [Partition, readonly string[]][]).flatMap(([partition, regions]) => regions.map((region) => ({ partition, region }))));
const validHostname = fc.tuple(account, partitionRegion, fc.boolean(), fc.boolean()).map(([id, { partition, region }, fips, dualStack]) => {
  const useFips = fips && ECR_FIPS_REGIONS.includes(region);
  if (dualStack) return `${id}.dkr-ecr${useFips ? "-fips" : ""}.${region}.${partition === "aws-cn" ? "on.amazonwebservices.com.cn" : "on.aws"}`;
  return `${id}.dkr.ecr${useFips ? "-fips" : ""}.${region}.amazonaws.com${partition === "aws-cn" ? ".cn" : ""}`;
});

describe("parseEcrHostname (properties)", () => {
  it("accepts every well-formed hostname, which matches the anchored pattern and round-trips", () => {
    fc.assert(
      fc.property(validHostname, (hostname) => {
        const result = parseEcrHostname(hostname);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(ECR_HOSTNAME_PATTERN.test(result.value.hostname)).toBe(true);
        expect(result.value.hostname).toBe(hostname);
        for (const variant of [`https://${hostname}`, `${hostname}/`, hostname.toUpperCase(), ` ${hostname} `]) {
          const again = parseEcrHostname(variant);
          expect(again.ok && again.value).toEqual(result.value);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("only ever accepts strings that match the anchored pattern", () => {
    const noisy = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), validHostname.chain((h) => fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}${h}${b}`)));
    fc.assert(
      fc.property(noisy, (input) => {
        const result = parseEcrHostname(input);
        if (result.ok) expect(ECR_HOSTNAME_PATTERN.test(result.value.hostname) || result.value.hostname === "public.ecr.aws").toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
