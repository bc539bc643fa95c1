import { describe, expect, it } from "vitest";
import { parseEcrHostname } from "@/lib/aws/ecr-hostname";
import { cleanHostnameInput, describeRemoved } from "@/lib/registries/hostname-input";
import { ZCreateRegistryInput } from "@/lib/registries/schema";

const HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

describe("cleanHostnameInput", () => {
  it.each([
    [HOST, HOST, []],
    [`  ${HOST}  `, HOST, []],
    [`https://${HOST}`, HOST, ["https://"]],
    [`https://${HOST}/`, HOST, ["https://", "the trailing /"]],
    [`${HOST}/vendor/app:1.4.2`, HOST, ["the image vendor/app and its tag 1.4.2"]],
    [`${HOST}/vendor/app@sha256:${"a".repeat(64)}`, HOST, ["the image vendor/app and its digest"]],
    [`https://${HOST}/v2/`, HOST, ["https://", "the path /v2"]],
    [`docker://${HOST}/app`, HOST, ["docker://", "the path /app"]],
  ])("cleans %s to the hostname", (input, hostname, removed) => {
    expect(cleanHostnameInput(input)).toEqual({ hostname, removed });
  });

  it("leaves a port and a user name for the provider to refuse with its own message", () => {
    expect(cleanHostnameInput(`${HOST}:5000/app`).hostname).toBe(`${HOST}:5000`);
    expect(parseEcrHostname(cleanHostnameInput(`${HOST}:5000/app`).hostname)).toMatchObject({ ok: false, message: expect.stringContaining("port") });
    expect(cleanHostnameInput(`user@${HOST}`).hostname).toBe(`user@${HOST}`);
  });

  it("says what it removed, or nothing when the input was a hostname", () => {
    expect(describeRemoved(cleanHostnameInput(`https://${HOST}/vendor/app:1.0`))).toBe("Removed https:// and the image vendor/app and its tag 1.0: only the registry's hostname is needed here.");
    expect(describeRemoved(cleanHostnameInput(HOST))).toBeNull();
  });

  it("is applied by the shared schema, so the server accepts what the form cleaned", () => {
    const input = { provider: "ecr", name: "", hostname: `https://${HOST}/vendor/app:1.0`, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn: "PortalEcrPull", allApplications: true, applicationIds: [] };
    const parsed = ZCreateRegistryInput.parse(input);
    expect(parsed.hostname).toBe(HOST);
  });
});
