import { afterEach, describe, expect, it } from "vitest";
import { describeConfiguration } from "@/lib/config/describe-configuration";
import { getEnv, resetEnvCache } from "@/lib/env";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

function describeWith(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvCache();
  return describeConfiguration(getEnv());
}

describe("the start-up configuration log", () => {
  it("reports endpoint overrides as none when the variables are unset", () => {
    expect(describeWith({ REGISTRY_ENDPOINT_OVERRIDES: undefined, AUTH_ENDPOINT_OVERRIDES: undefined })).toMatchObject({ registryEndpointOverrides: "none", authEndpointOverrides: "none" });
    expect(describeWith({ REGISTRY_ENDPOINT_OVERRIDES: "" })).toMatchObject({ registryEndpointOverrides: "none" });
  });

  it("names the hostnames an override covers, never its URL", () => {
    const described = describeWith({ REGISTRY_ENDPOINT_OVERRIDES: "*=https://vpce.example.internal/{hostname},harbor.example.com=http://10.0.0.5:5000" });
    expect(described.registryEndpointOverrides).toBe("*, harbor.example.com");
  });
});
