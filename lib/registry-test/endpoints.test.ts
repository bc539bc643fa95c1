import { STSClient } from "@aws-sdk/client-sts";
import { ECRClient } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { parseRegistryEndpointOverrides, registryBaseUrl } from "@/lib/registry-test/endpoints";

describe("registry endpoint overrides", () => {
  it("uses https://<hostname> without overrides", () => {
    expect(registryBaseUrl("111111111111.dkr.ecr.eu-west-1.amazonaws.com", [])).toBe("https://111111111111.dkr.ecr.eu-west-1.amazonaws.com");
  });

  it("prefers an exact hostname over the wildcard and fills {hostname}", () => {
    const parsed = parseRegistryEndpointOverrides("*=http://127.0.0.1:4566/_registry/{hostname}, 111111111111.dkr.ecr.eu-west-1.amazonaws.com=https://vpce-1.example.internal/");
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(registryBaseUrl("111111111111.dkr.ecr.eu-west-1.amazonaws.com", parsed.value)).toBe("https://vpce-1.example.internal");
    expect(registryBaseUrl("222222222222.dkr.ecr.us-east-1.amazonaws.com", parsed.value)).toBe("http://127.0.0.1:4566/_registry/222222222222.dkr.ecr.us-east-1.amazonaws.com");
  });

  it("refuses malformed entries with a message saying what is expected", () => {
    for (const bad of ["nothing", "*=ftp://x", "bad host=https://x", "*=not a url"]) {
      const parsed = parseRegistryEndpointOverrides(bad);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain("<hostname or *>=<http(s) base URL>");
    }
  });
});

describe("AWS endpoints the SDK derives from the registry's region", () => {
  it("uses the regional STS and ECR endpoints of each partition", async () => {
    const cases = [
      ["eu-west-1", "https://sts.eu-west-1.amazonaws.com", "https://api.ecr.eu-west-1.amazonaws.com"],
      ["cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn", "https://api.ecr.cn-north-1.amazonaws.com.cn"],
      ["us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com", "https://api.ecr.us-gov-west-1.amazonaws.com"],
    ] as const;
    for (const [region, sts, ecr] of cases) {
      const stsClient = new STSClient({ region });
      const ecrClient = new ECRClient({ region });
      const stsEndpoint = stsClient.config.endpointProvider({ Region: region, UseGlobalEndpoint: false, UseFIPS: false, UseDualStack: false });
      const ecrEndpoint = ecrClient.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
      expect(stsEndpoint.url.href.replace(/\/$/, "")).toBe(sts);
      expect(ecrEndpoint.url.href.replace(/\/$/, "")).toBe(ecr);
    }
  });
});
