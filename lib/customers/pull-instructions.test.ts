import { describe, expect, it } from "vitest";
import { dockerConfigJson, dockerLoginFromFileCommand, dockerLoginPromptCommand, imagePullSecretYaml, pullSecretName } from "@/lib/customers/pull-instructions";

const credentials = { proxyHost: "registry.vendor.example:8443", username: "lic_abc", password: "lic_abc" };

describe("pull instructions", () => {
  it("never puts the license in the command as the password: Docker prompts for it, or reads it from a file", () => {
    expect(dockerLoginPromptCommand("registry.vendor.example:8443", "ops@acme.example")).toBe("docker login registry.vendor.example:8443 --username ops@acme.example");
    expect(dockerLoginFromFileCommand("registry.vendor.example:8443", "ops@acme.example")).toBe("docker login registry.vendor.example:8443 --username ops@acme.example --password-stdin < license.txt");
  });

  it("quotes values the shell would interpret", () => {
    expect(dockerLoginPromptCommand("registry.vendor.example:8443", "it's me")).toContain(`--username 'it'"'"'s me'`);
  });

  it("builds the .dockerconfigjson with username, password and base64 auth for the proxy host", () => {
    const config = JSON.parse(dockerConfigJson(credentials));
    expect(config).toEqual({ auths: { "registry.vendor.example:8443": { username: "lic_abc", password: "lic_abc", auth: Buffer.from("lic_abc:lic_abc").toString("base64") } } });
  });

  it("builds a kubernetes.io/dockerconfigjson Secret whose data decodes to that document", () => {
    const yaml = imagePullSecretYaml(credentials, "my-app-registry");
    expect(yaml).toContain("type: kubernetes.io/dockerconfigjson");
    expect(yaml).toContain("  name: my-app-registry");
    const encoded = /\.dockerconfigjson: (\S+)/.exec(yaml)?.[1] ?? "";
    expect(JSON.parse(Buffer.from(encoded, "base64").toString("utf8"))).toEqual(JSON.parse(dockerConfigJson(credentials)));
  });

  it("names the secret after the application within Kubernetes' 63 characters", () => {
    expect(pullSecretName("web-shop")).toBe("web-shop-registry");
    expect(pullSecretName("a".repeat(60)).length).toBeLessThanOrEqual(63);
    expect(pullSecretName("a".repeat(62))).not.toMatch(/-$/);
  });
});

describe("the customer's own login commands", () => {
  it("never put the license on the command line", async () => {
    const { dockerLoginPromptCommand, dockerLoginFromFileCommand } = await import("@/lib/customers/pull-instructions");
    expect(dockerLoginPromptCommand("proxy.example.com", "ops@acme.example")).toBe("docker login proxy.example.com --username ops@acme.example");
    expect(dockerLoginFromFileCommand("proxy.example.com", null)).toBe('docker login proxy.example.com --username "$(cat license.txt)" --password-stdin < license.txt');
  });
});
