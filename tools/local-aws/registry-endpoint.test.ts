// The ECR registry endpoint (OCI distribution API) over plain HTTP: the login
// challenge, manifests by tag and digest, blob redirects to layer storage,
// pushes, and per-repository access control.
import { createHash } from "node:crypto";
import { CreateRepositoryCommand, GetAuthorizationTokenCommand } from "@aws-sdk/client-ecr";
import { describe, expect, it } from "vitest";
import { ACCOUNT_A, ACCOUNT_B, REGION, basicAuth, clients, passwordOf, pullPolicy, roleSession, rootCredentials, type Credentials, useLocalAwsPerFile } from "./test-helpers";

const hostA = `${ACCOUNT_A.accountId}.dkr.ecr.${REGION}.amazonaws.com`;
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const local = useLocalAwsPerFile();

async function login(credentials: Credentials, region = REGION): Promise<string> {
  const { authorizationData } = await clients(local.aws.url, credentials, region).ecr.send(new GetAuthorizationTokenCommand({}));
  return basicAuth(passwordOf(authorizationData![0]!.authorizationToken!));
}

async function errorsOf(response: Response) {
  return ((await response.json()) as { errors: { code: string; message: string }[] }).errors;
}

describe("the registry endpoint", () => {
  it("challenges a client without credentials with ECR's Basic realm", async () => {
    const response = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(`Basic realm="https://${hostA}/",service="ecr.amazonaws.com"`);
    expect(response.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
  });

  it("answers the ping with a valid token and refuses an unknown or expired one", async () => {
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const url = `${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/`;
    expect((await fetch(url, { headers: { Authorization: authorization } })).status).toBe(200);
    const unknown = await fetch(url, { headers: { Authorization: basicAuth("not-a-token") } });
    expect(unknown.status).toBe(401);
    local.clockOffsetMs = 12 * 3_600_000 + 1000;
    const expired = await fetch(url, { headers: { Authorization: authorization } });
    expect(expired.status).toBe(403);
    expect(await errorsOf(expired)).toEqual([{ code: "DENIED", message: "Your authorization token has expired. Reauthenticate and try again.", detail: null }]);
  });

  it("serves manifests by tag and by digest, HEAD and GET, with their media type and digest", async () => {
    const docker = local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "vendor/app", tag: "1.0" });
    const oci = local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "vendor/app", tag: "oci", format: "oci" });
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const base = `${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/vendor/app/manifests`;
    for (const [reference, image, mediaType] of [["1.0", docker, DOCKER_MANIFEST], [docker.digest, docker, DOCKER_MANIFEST], ["oci", oci, OCI_MANIFEST]] as const) {
      const head = await fetch(`${base}/${reference}`, { method: "HEAD", headers: { Authorization: authorization } });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toBe(mediaType);
      expect(head.headers.get("docker-content-digest")).toBe(image.digest);
      expect(Number(head.headers.get("content-length"))).toBe(Buffer.byteLength(image.manifest));
      const get = await fetch(`${base}/${reference}`, { headers: { Authorization: authorization } });
      expect(await get.text()).toBe(image.manifest);
    }
  });

  it("answers MANIFEST_UNKNOWN for a missing tag and NAME_UNKNOWN for a missing repository", async () => {
    local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const missingTag = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/app/manifests/2.0`, { headers: { Authorization: authorization } });
    expect(missingTag.status).toBe(404);
    expect(await errorsOf(missingTag)).toEqual([{ code: "MANIFEST_UNKNOWN", message: "Requested image not found", detail: null }]);
    const missingRepository = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/nothing/manifests/1.0`, { headers: { Authorization: authorization } });
    expect(missingRepository.status).toBe(404);
    expect((await errorsOf(missingRepository))[0]!.code).toBe("NAME_UNKNOWN");
  });

  it("redirects blobs to signed layer storage that needs no Authorization header and refuses one", async () => {
    const image = local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const blob = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/app/blobs/${image.configDigest}`, { headers: { Authorization: authorization }, redirect: "manual" });
    expect(blob.status).toBe(307);
    const location = blob.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^http://localhost:${local.aws.port}/_layers/.*X-Amz-Signature=[0-9a-f]{64}`));
    const config = await fetch(location);
    expect(config.status).toBe(200);
    expect(JSON.parse(await config.text())).toMatchObject({ os: "linux", rootfs: { type: "layers" } });

    const withAuthorization = await fetch(location, { headers: { Authorization: authorization } });
    expect(withAuthorization.status).toBe(400);
    expect(await withAuthorization.text()).toContain("<Code>InvalidArgument</Code>");
    const tampered = await fetch(location.replace(/X-Amz-Signature=[0-9a-f]/, "X-Amz-Signature=x"));
    expect(tampered.status).toBe(403);
    local.clockOffsetMs = 3_601_000;
    const expired = await fetch(location);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("<Message>Request has expired</Message>");
  });

  it("serves at the root the registry of the account and region that issued the token", async () => {
    const image = local.aws.pushFixtureImage({ accountId: ACCOUNT_B.accountId, region: "eu-west-1", repository: "app", tag: "1.0" });
    const authorization = await login(rootCredentials(ACCOUNT_B), "eu-west-1");
    const head = await fetch(`${local.aws.url}/v2/app/manifests/1.0`, { method: "HEAD", headers: { Authorization: authorization } });
    expect(head.status).toBe(200);
    expect(head.headers.get("docker-content-digest")).toBe(image.digest);
  });

  it("refuses a principal without ecr:BatchGetImage on the repository with DENIED", async () => {
    local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const session = await roleSession(local.aws.url, ACCOUNT_A, "LoginOnly", {
      policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }] }),
    });
    const response = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/app/manifests/1.0`, { headers: { Authorization: await login(session) } });
    expect(response.status).toBe(403);
    expect(await errorsOf(response)).toEqual([
      {
        code: "DENIED",
        message: `User: ${session.arn} is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:${REGION}:${ACCOUNT_A.accountId}:repository/app because no identity-based policy allows the ecr:BatchGetImage action`,
        detail: null,
      },
    ]);
  });

  it("evaluates policies when the token is used, so a policy removed later stops pulls", async () => {
    local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const session = await roleSession(local.aws.url, ACCOUNT_A, "Puller", { policy: pullPolicy() });
    const authorization = await login(session);
    const url = `${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/app/manifests/1.0`;
    expect((await fetch(url, { method: "HEAD", headers: { Authorization: authorization } })).status).toBe(200);
    const { DeleteRolePolicyCommand } = await import("@aws-sdk/client-iam");
    await clients(local.aws.url, rootCredentials(ACCOUNT_A)).iam.send(new DeleteRolePolicyCommand({ RoleName: "Puller", PolicyName: "inline" }));
    expect((await fetch(url, { method: "HEAD", headers: { Authorization: authorization } })).status).toBe(403);
  });

  it("lets another account's role pull only once the repository policy allows it", async () => {
    local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "shared", tag: "1.0" });
    const session = await roleSession(local.aws.url, ACCOUNT_B, "Puller", { policy: pullPolicy() });
    const authorization = await login(session);
    const url = `${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/shared/manifests/1.0`;
    const refused = await fetch(url, { headers: { Authorization: authorization } });
    expect(refused.status).toBe(403);
    expect((await errorsOf(refused))[0]!.message).toContain("because no resource-based policy allows the ecr:BatchGetImage action");
    local.aws.state.repositories[`${ACCOUNT_A.accountId}/${REGION}/shared`]!.policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_B.accountId}:role/Puller` }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] }],
    });
    expect((await fetch(url, { headers: { Authorization: authorization } })).status).toBe(200);
  });

  it("takes fixture images from tests in another process over POST /_local/fixture-images", async () => {
    const response = await fetch(`${local.aws.url}/_local/fixture-images`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "pushed/over-http", tag: "2.0", format: "oci" }),
    });
    expect(response.status).toBe(201);
    const image = (await response.json()) as { digest: string; mediaType: string };
    expect(image.mediaType).toBe(OCI_MANIFEST);
    const head = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/pushed/over-http/manifests/2.0`, { method: "HEAD", headers: { Authorization: await login(rootCredentials(ACCOUNT_A)) } });
    expect(head.headers.get("docker-content-digest")).toBe(image.digest);
  });

});

describe("pushing through the registry endpoint", () => {
  const sha256 = (data: Buffer | string) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

  async function pushBlob(base: string, authorization: string, data: Buffer, digest = sha256(data)) {
    const started = await fetch(`${base}/blobs/uploads/`, { method: "POST", headers: { Authorization: authorization } });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get("location")!, base).toString();
    const patched = await fetch(location, { method: "PATCH", headers: { Authorization: authorization, "Content-Type": "application/octet-stream" }, body: new Uint8Array(data.subarray(0, 3)) });
    expect(patched.status).toBe(202);
    expect(patched.headers.get("range")).toBe("0-2");
    const url = new URL(patched.headers.get("location")!, base);
    url.searchParams.set("digest", digest);
    return fetch(url, { method: "PUT", headers: { Authorization: authorization, "Content-Type": "application/octet-stream" }, body: new Uint8Array(data.subarray(3)) });
  }

  it("stores chunked blob uploads and a manifest, which then pulls by tag", async () => {
    await clients(local.aws.url, rootCredentials(ACCOUNT_A)).ecr.send(new CreateRepositoryCommand({ repositoryName: "pushed" }));
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const base = `${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/pushed`;
    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }));
    const stored = await pushBlob(base, authorization, config);
    expect(stored.status).toBe(201);
    expect(stored.headers.get("docker-content-digest")).toBe(sha256(config));
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha256(config), size: config.length }, layers: [] });
    const put = await fetch(`${base}/manifests/v1`, { method: "PUT", headers: { Authorization: authorization, "Content-Type": OCI_MANIFEST }, body: manifest });
    expect(put.status).toBe(201);
    expect(put.headers.get("docker-content-digest")).toBe(sha256(manifest));
    expect(put.headers.get("location")).toBe(`/_registry/${hostA}/v2/pushed/manifests/${sha256(manifest)}`);
    const pulled = await fetch(`${base}/manifests/v1`, { headers: { Authorization: authorization } });
    expect(await pulled.text()).toBe(manifest);
  });

  it("refuses a blob whose content does not match its digest, and a manifest naming a missing blob", async () => {
    await clients(local.aws.url, rootCredentials(ACCOUNT_A)).ecr.send(new CreateRepositoryCommand({ repositoryName: "pushed" }));
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const base = `${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/pushed`;
    const wrong = await pushBlob(base, authorization, Buffer.from("some layer bytes"), sha256("other bytes"));
    expect(wrong.status).toBe(400);
    expect((await errorsOf(wrong))[0]!.code).toBe("DIGEST_INVALID");
    const manifest = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: sha256("absent"), size: 6 }, layers: [] });
    const put = await fetch(`${base}/manifests/v1`, { method: "PUT", headers: { Authorization: authorization, "Content-Type": DOCKER_MANIFEST }, body: manifest });
    expect(put.status).toBe(400);
    expect((await errorsOf(put))[0]!.code).toBe("MANIFEST_BLOB_UNKNOWN");
  });

  it("refuses a push into a repository that does not exist, as ECR does not create them", async () => {
    const authorization = await login(rootCredentials(ACCOUNT_A));
    const response = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/never-created/blobs/uploads/`, { method: "POST", headers: { Authorization: authorization } });
    expect(response.status).toBe(404);
    expect((await errorsOf(response))[0]!.code).toBe("NAME_UNKNOWN");
  });

  it("refuses a push by a principal that may only pull, naming ecr:InitiateLayerUpload", async () => {
    local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const session = await roleSession(local.aws.url, ACCOUNT_A, "ReadOnly", { managed: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] });
    const response = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/app/blobs/uploads/`, { method: "POST", headers: { Authorization: await login(session) } });
    expect(response.status).toBe(403);
    expect(await errorsOf(response)).toEqual([
      {
        code: "DENIED",
        message: `User: ${session.arn} is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:${REGION}:${ACCOUNT_A.accountId}:repository/app because no identity-based policy allows the ecr:InitiateLayerUpload action`,
        detail: null,
      },
    ]);
  });

  it("does not support deleting through the registry endpoint", async () => {
    const image = local.aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const response = await fetch(`${local.aws.registryUrl(ACCOUNT_A.accountId, REGION)}/v2/app/manifests/${image.digest}`, { method: "DELETE", headers: { Authorization: await login(rootCredentials(ACCOUNT_A)) } });
    expect(response.status).toBe(405);
    expect((await errorsOf(response))[0]!.code).toBe("UNSUPPORTED");
  });
});
