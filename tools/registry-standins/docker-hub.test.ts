import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER_HUB_RATE_LIMIT, startDockerHubStandIn } from "./docker-hub";
import type { StandIn } from "./stand-in";
import { basic, expectChallenge, headManifest, skopeoInspect } from "./test-helpers";

const ACCOUNT = { username: "acmevendor", token: "dckr_pat_acme-vendor-token-1", access: [{ repository: "acmevendor/*", actions: ["pull" as const] }] };
let hub: StandIn;
let digest: string;

beforeAll(async () => {
  hub = await startDockerHubStandIn({ accounts: [ACCOUNT], publicRepositories: ["library/*"], realmOrigin: undefined });
  digest = (await hub.push("acmevendor/app", "1.0")).digest;
  await hub.push("library/alpine", "3");
  await hub.push("someoneelse/private", "1");
});

afterAll(async () => {
  await hub?.close();
});

async function token(scope: string, authorization?: string): Promise<Response> {
  return fetch(`${hub.url}/token?service=registry.docker.io&scope=${encodeURIComponent(scope)}`, authorization ? { headers: { Authorization: authorization } } : {});
}

describe("the Docker Hub stand-in", () => {
  it("challenges as registry-1.docker.io does, naming the token service", async () => {
    await expectChallenge(hub, `Bearer realm="${hub.url}/token",service="registry.docker.io"`);
  });

  it("names auth.docker.io as the realm when told to, for AUTH_ENDPOINT_OVERRIDES", async () => {
    const real = await startDockerHubStandIn({ accounts: [], realmOrigin: "https://auth.docker.io" });
    try {
      await expectChallenge(real, 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"');
    } finally {
      await real.close();
    }
  });

  it("lets skopeo pull with a Docker ID and a personal access token", async () => {
    const inspected = await skopeoInspect(hub, "acmevendor/app:1.0", { username: ACCOUNT.username, password: ACCOUNT.token });
    expect(inspected.Digest).toBe(digest);
  });

  it("answers a token request with token, access_token, expires_in and issued_at", async () => {
    const response = await token("repository:acmevendor/app:pull", basic(ACCOUNT.username, ACCOUNT.token));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; access_token: string; expires_in: number; issued_at: string };
    expect(body).toMatchObject({ access_token: body.token, expires_in: 300 });
    expect((await headManifest(hub, "acmevendor/app", "1.0", body.token)).status).toBe(200);
  });

  it("refuses a wrong token with Docker Hub's error body", async () => {
    const response = await token("repository:acmevendor/app:pull", basic(ACCOUNT.username, "dckr_pat_wrong"));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ details: "incorrect username or password" });
  });

  it("grants an anonymous pull of a public repository only, and the registry refuses the rest", async () => {
    const publicToken = ((await (await token("repository:library/alpine:pull")).json()) as { token: string }).token;
    expect((await headManifest(hub, "library/alpine", "3", publicToken)).status).toBe(200);
    const privateToken = ((await (await token("repository:acmevendor/app:pull")).json()) as { token: string }).token;
    const refused = await headManifest(hub, "acmevendor/app", "1.0", privateToken);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("leaves a repository the token may not read out of the token", async () => {
    const body = (await (await token("repository:someoneelse/private:pull", basic(ACCOUNT.username, ACCOUNT.token))).json()) as { token: string };
    expect((await headManifest(hub, "someoneelse/private", "1", body.token)).status).toBe(401);
  });

  it("plays the pull rate limit while the fault is set", async () => {
    hub.registryFault = DOCKER_HUB_RATE_LIMIT;
    try {
      const response = await fetch(`${hub.url}/v2/acmevendor/app/manifests/1.0`);
      expect(response.status).toBe(429);
      expect(((await response.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("TOOMANYREQUESTS");
    } finally {
      hub.registryFault = null;
    }
  });
});
