import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGhcrStandIn } from "./ghcr";
import { startGitlabStandIn } from "./gitlab";
import { startQuayStandIn } from "./quay";
import type { StandIn } from "./stand-in";
import { basic, expectChallenge, headManifest, skopeoInspect } from "./test-helpers";

describe("the GHCR stand-in", () => {
  const CLASSIC = { username: "octo-vendor", token: "ghp_classicReadPackages000000000000000001" };
  let ghcr: StandIn;
  let digest: string;

  beforeAll(async () => {
    ghcr = await startGhcrStandIn({
      tokens: [CLASSIC, { username: "octo-vendor", token: "github_pat_fineGrained0001", kind: "fine-grained" }, { username: "octo-vendor", token: "ghp_repoOnly0001", scopes: ["repo"] }],
    });
    digest = (await ghcr.push("octo-vendor/app", "1.0")).digest;
  });

  afterAll(async () => {
    await ghcr?.close();
  });

  const tokenFor = (password: string) => fetch(`${ghcr.url}/token?service=ghcr.io&scope=repository:octo-vendor/app:pull`, { headers: { Authorization: basic("octo-vendor", password) } });

  it("challenges as ghcr.io does and lets skopeo pull with a classic token", async () => {
    await expectChallenge(ghcr, `Bearer realm="${ghcr.url}/token",service="ghcr.io"`);
    expect((await skopeoInspect(ghcr, "octo-vendor/app:1.0", { username: CLASSIC.username, password: CLASSIC.token })).Digest).toBe(digest);
  });

  it("answers with a token field only", async () => {
    const body = (await (await tokenFor(CLASSIC.token)).json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["token"]);
    expect((await headManifest(ghcr, "octo-vendor/app", "1.0", body.token!)).status).toBe(200);
  });

  it("refuses a wrong token and a fine-grained token with denied", async () => {
    for (const password of ["ghp_wrong", "github_pat_fineGrained0001"]) {
      const response = await tokenFor(password);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ errors: [{ code: "DENIED", message: "denied" }] });
    }
  });

  it("refuses a classic token without read:packages with GHCR's scope message", async () => {
    const response = await tokenFor("ghp_repoOnly0001");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: [{ code: "DENIED", message: "permission_denied: The token provided does not match expected scopes." }] });
  });
});

describe("the Quay stand-in", () => {
  const ROBOT = { name: "acme+puller", token: "QUAYROBOTTOKEN0001", access: [{ repository: "acme/app", actions: ["pull" as const] }] };
  let quay: StandIn;
  let digest: string;

  beforeAll(async () => {
    quay = await startQuayStandIn({ robots: [ROBOT] });
    digest = (await quay.push("acme/app", "1.0")).digest;
    await quay.push("acme/secret", "1.0");
  });

  afterAll(async () => {
    await quay?.close();
  });

  it("challenges with /v2/auth and lets skopeo pull with a robot account", async () => {
    await expectChallenge(quay, `Bearer realm="${quay.url}/v2/auth",service="quay.io"`);
    expect((await skopeoInspect(quay, "acme/app:1.0", { username: ROBOT.name, password: ROBOT.token })).Digest).toBe(digest);
  });

  it("refuses a wrong robot token with Quay's message", async () => {
    const response = await fetch(`${quay.url}/v2/auth?service=quay.io&scope=repository:acme/app:pull`, { headers: { Authorization: basic(ROBOT.name, "wrong") } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ code: "UNAUTHORIZED", detail: {}, message: "Could not find robot with username: acme+puller and supplied password." }] });
  });

  it("downscopes a repository the robot cannot read, which the registry then refuses", async () => {
    const response = await fetch(`${quay.url}/v2/auth?service=quay.io&scope=repository:acme/secret:pull`, { headers: { Authorization: basic(ROBOT.name, ROBOT.token) } });
    const { token } = (await response.json()) as { token: string };
    expect((await headManifest(quay, "acme/secret", "1.0", token)).status).toBe(401);
  });
});

describe("the GitLab stand-in", () => {
  const DEPLOY = { username: "gitlab+deploy-token-42", token: "gldt-deploytoken0001", projects: ["acme/app"] };
  let gitlab: StandIn;
  let digest: string;

  beforeAll(async () => {
    gitlab = await startGitlabStandIn({ tokens: [DEPLOY, { username: "gitlab+deploy-token-43", token: "gldt-nosope", scopes: ["read_repository"], projects: ["acme/app"] }] });
    digest = (await gitlab.push("acme/app/backend", "1.0")).digest;
    await gitlab.push("acme/other", "1.0");
  });

  afterAll(async () => {
    await gitlab?.close();
  });

  const tokenFor = (username: string, password: string, scope = "repository:acme/app/backend:pull") =>
    fetch(`${gitlab.url}/jwt/auth?service=container_registry&scope=${scope}`, { headers: { Authorization: basic(username, password) } });

  it("challenges with /jwt/auth and service container_registry, and lets skopeo pull with a deploy token", async () => {
    await expectChallenge(gitlab, `Bearer realm="${gitlab.url}/jwt/auth",service="container_registry"`);
    expect((await skopeoInspect(gitlab, "acme/app/backend:1.0", { username: DEPLOY.username, password: DEPLOY.token })).Digest).toBe(digest);
  });

  it("refuses wrong credentials with GitLab's HTTP Basic message", async () => {
    const response = await tokenFor(DEPLOY.username, "wrong");
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/^HTTP Basic: Access denied/);
  });

  it("refuses a token without read_registry with access forbidden", async () => {
    const response = await tokenFor("gitlab+deploy-token-43", "gldt-nosope");
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: [{ code: "DENIED", message: "access forbidden" }] });
  });

  it("leaves another project out of the token", async () => {
    const { token } = (await (await tokenFor(DEPLOY.username, DEPLOY.token, "repository:acme/other:pull")).json()) as { token: string };
    expect((await headManifest(gitlab, "acme/other", "1.0", token)).status).toBe(401);
  });
});

describe("the Harbor stand-in", () => {
  const ROBOT = { username: "robot$acme+puller", password: "harbor-robot-secret", access: [{ repository: "acme/*", actions: ["pull" as const] }] };
  let harbor: StandIn;
  let digest: string;

  beforeAll(async () => {
    const { startHarborStandIn } = await import("./harbor");
    harbor = await startHarborStandIn({ accounts: [ROBOT], publicProjects: ["library"] });
    digest = (await harbor.push("acme/app", "1.0")).digest;
    await harbor.push("library/base", "1.0");
  });

  afterAll(async () => {
    await harbor?.close();
  });

  it("challenges with /service/token and lets skopeo pull with a robot account", async () => {
    await expectChallenge(harbor, `Bearer realm="${harbor.url}/service/token",service="harbor-registry"`);
    expect((await skopeoInspect(harbor, "acme/app:1.0", { username: ROBOT.username, password: ROBOT.password })).Digest).toBe(digest);
  });

  it("grants anonymous pulls of a public project only", async () => {
    const tokenFor = async (repository: string) =>
      ((await (await fetch(`${harbor.url}/service/token?service=harbor-registry&scope=repository:${repository}:pull`)).json()) as { token: string }).token;
    expect((await headManifest(harbor, "library/base", "1.0", await tokenFor("library/base"))).status).toBe(200);
    expect((await headManifest(harbor, "acme/app", "1.0", await tokenFor("acme/app"))).status).toBe(401);
  });

  it("refuses a wrong secret", async () => {
    const response = await fetch(`${harbor.url}/service/token?service=harbor-registry&scope=repository:acme/app:pull`, { headers: { Authorization: basic(ROBOT.username, "wrong") } });
    expect(response.status).toBe(401);
  });
});
