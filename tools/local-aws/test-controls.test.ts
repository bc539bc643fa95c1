// The emulator's controls for the proxy's tests and benchmark: synthetic
// blobs streamed from a seed (with byte ranges), API call counts, the
// registry fault switch, token expiry and blob corruption.
import { createHash } from "node:crypto";
import { GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { ACCOUNT_A, basicAuth, clients, passwordOf, REGION, rootCredentials, useLocalAwsPerFile } from "./test-helpers";

const local = useLocalAwsPerFile();

async function login(): Promise<string> {
  const { authorizationData } = await clients(local.aws.url, rootCredentials(ACCOUNT_A)).ecr.send(new GetAuthorizationTokenCommand({}));
  return basicAuth(passwordOf(authorizationData![0]!.authorizationToken!));
}

async function blob(auth: string, repository: string, digest: string, headers: Record<string, string> = {}): Promise<Response> {
  const redirect = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/${repository}/blobs/${digest}`, { headers: { authorization: auth }, redirect: "manual" });
  expect(redirect.status).toBe(307);
  return fetch(redirect.headers.get("location")!, { headers });
}

describe("local AWS test controls", () => {
  it("serves a synthetic blob whose bytes match its digest, whole and by range, with its size on HEAD", async () => {
    const image = local.aws.pushSyntheticImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "big", tag: "1", layerSizes: [3 * 1024 * 1024 + 17] });
    const auth = await login();
    const digest = image.layerDigests[0]!;
    const whole = Buffer.from(await (await blob(auth, "big", digest)).arrayBuffer());
    expect(whole.length).toBe(3 * 1024 * 1024 + 17);
    expect(`sha256:${createHash("sha256").update(whole).digest("hex")}`).toBe(digest);
    const partial = await blob(auth, "big", digest, { range: "bytes=300000-300099" });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 300000-300099/${whole.length}`);
    expect(Buffer.from(await partial.arrayBuffer())).toEqual(whole.subarray(300000, 300100));
    const head = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/big/blobs/${digest}`, { method: "HEAD", headers: { authorization: auth } });
    expect(head.headers.get("content-length")).toBe(String(whole.length));
  });

  it("counts API calls by service and action, and forgets them on reset", async () => {
    await login();
    await login();
    expect(local.aws.callCounts()).toMatchObject({ "ecr:GetAuthorizationToken": 2 });
    local.aws.reset();
    expect(local.aws.callCounts()).toEqual({});
  });

  it("answers 503 on the registry endpoint while the fault switch is on", async () => {
    const auth = await login();
    local.aws.setRegistryFault("unavailable");
    const down = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/`, { headers: { authorization: auth } });
    expect(down.status).toBe(503);
    local.aws.setRegistryFault(null);
    expect((await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/`, { headers: { authorization: auth } })).status).toBe(200);
  });

  it("expires issued login tokens, and corrupts a blob without changing its digest", async () => {
    const image = local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const auth = await login();
    const digest = image.layerDigests[0]!;
    local.aws.corruptBlob({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", digest });
    const data = Buffer.from(await (await blob(auth, "app", digest)).arrayBuffer());
    expect(`sha256:${createHash("sha256").update(data).digest("hex")}`).not.toBe(digest);
    local.aws.expireRegistryTokens();
    const expired = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/`, { headers: { authorization: auth } });
    expect(expired.status).toBe(403);
  });
});
