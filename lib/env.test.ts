import { afterEach, describe, expect, it } from "vitest";
import { getEnv, resetEnvCache } from "@/lib/env";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

function envWith(values: Record<string, string>) {
  Object.assign(process.env, values);
  resetEnvCache();
  return getEnv();
}

describe("getEnv", () => {
  it("parses REGISTRY_ENDPOINT_OVERRIDES once, into the list the Test uses", () => {
    const env = envWith({ REGISTRY_ENDPOINT_OVERRIDES: "*=http://127.0.0.1:4566/_registry/{hostname}" });
    expect(env.REGISTRY_ENDPOINT_OVERRIDES).toEqual([{ hostname: "*", baseUrl: "http://127.0.0.1:4566/_registry/{hostname}" }]);
    expect(getEnv().REGISTRY_ENDPOINT_OVERRIDES).toBe(env.REGISTRY_ENDPOINT_OVERRIDES);
  });

  it("names REGISTRY_ENDPOINT_OVERRIDES when it is malformed", () => {
    expect(() => envWith({ REGISTRY_ENDPOINT_OVERRIDES: "nothing-here" })).toThrow(/^Configuration error: REGISTRY_ENDPOINT_OVERRIDES must be/);
  });

  it.each([
    [undefined, 0],
    ["false", 0],
    ["true", 1],
    ["2", 2],
  ])("reads TRUST_PROXY=%s as %i trusted proxies", (value, expected) => {
    if (value !== undefined) process.env.TRUST_PROXY = value;
    else delete process.env.TRUST_PROXY;
    resetEnvCache();
    expect(getEnv().TRUST_PROXY).toBe(expected);
  });

  it("refuses a TRUST_PROXY that is not a count", () => {
    expect(() => envWith({ TRUST_PROXY: "10.0.0.0/8" })).toThrow(/TRUST_PROXY must be false, true/);
  });
});
