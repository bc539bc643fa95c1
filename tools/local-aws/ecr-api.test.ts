// The ECR API through the real SDK: repositories, policies, images, and the
// permission checks with AWS's AccessDeniedException messages, cross-account
// included.
import {
  BatchCheckLayerAvailabilityCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
  GetRepositoryPolicyCommand,
  ListImagesCommand,
  SetRepositoryPolicyCommand,
} from "@aws-sdk/client-ecr";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalAws, type LocalAws } from "./local-aws";
import { ACCOUNT_A, ACCOUNT_B, REGION, clients, expectAwsError, pullPolicy, roleSession, rootCredentials } from "./test-helpers";

let aws: LocalAws;
const ecrA = () => clients(aws.url, rootCredentials(ACCOUNT_A)).ecr;
const repoArn = (accountId: string, name: string) => `arn:aws:ecr:${REGION}:${accountId}:repository/${name}`;

beforeAll(async () => {
  aws = await startLocalAws({ port: 0, accounts: [ACCOUNT_A, ACCOUNT_B] });
});

afterAll(async () => {
  await aws.close();
});

beforeEach(() => {
  aws.reset();
});

describe("ECR repositories", () => {
  it("creates and describes a repository, and refuses a duplicate, a bad name and an unknown one", async () => {
    const { repository } = await ecrA().send(new CreateRepositoryCommand({ repositoryName: "vendor/app" }));
    expect(repository).toMatchObject({
      repositoryArn: repoArn(ACCOUNT_A.accountId, "vendor/app"),
      registryId: ACCOUNT_A.accountId,
      repositoryName: "vendor/app",
      repositoryUri: `${ACCOUNT_A.accountId}.dkr.ecr.${REGION}.amazonaws.com/vendor/app`,
    });
    expect(repository!.createdAt).toBeInstanceOf(Date);
    expect((await ecrA().send(new DescribeRepositoriesCommand({}))).repositories!.map((r) => r.repositoryName)).toEqual(["vendor/app"]);
    await expectAwsError(ecrA().send(new CreateRepositoryCommand({ repositoryName: "vendor/app" })), {
      code: "RepositoryAlreadyExistsException",
      message: `The repository with name 'vendor/app' already exists in the registry with id '${ACCOUNT_A.accountId}'`,
      status: 400,
    });
    await expectAwsError(ecrA().send(new CreateRepositoryCommand({ repositoryName: "Upper/Case" })), { code: "InvalidParameterException", message: /repositoryName/, status: 400 });
    await expectAwsError(ecrA().send(new DescribeRepositoriesCommand({ repositoryNames: ["missing"] })), {
      code: "RepositoryNotFoundException",
      message: `The repository with name 'missing' does not exist in the registry with id '${ACCOUNT_A.accountId}'`,
      status: 400,
    });
  });

  it("sets and reads a repository policy, and says when there is none", async () => {
    await ecrA().send(new CreateRepositoryCommand({ repositoryName: "app" }));
    await expectAwsError(ecrA().send(new GetRepositoryPolicyCommand({ repositoryName: "app" })), {
      code: "RepositoryPolicyNotFoundException",
      message: `Repository policy does not exist for the repository with name 'app' in the registry with id '${ACCOUNT_A.accountId}'`,
      status: 400,
    });
    const policyText = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_B.accountId}:root` }, Action: ["ecr:BatchGetImage"] }] });
    await ecrA().send(new SetRepositoryPolicyCommand({ repositoryName: "app", policyText }));
    expect((await ecrA().send(new GetRepositoryPolicyCommand({ repositoryName: "app" }))).policyText).toBe(policyText);
    const invalid = { code: "InvalidParameterException", message: "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'", status: 400 };
    await expectAwsError(ecrA().send(new SetRepositoryPolicyCommand({ repositoryName: "app", policyText: "{" })), invalid);
    const unknownRole = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_B.accountId}:role/Missing` }, Action: "ecr:BatchGetImage" }] });
    await expectAwsError(ecrA().send(new SetRepositoryPolicyCommand({ repositoryName: "app", policyText: unknownRole })), invalid);
  });
});

describe("ECR images", () => {
  it("describes, lists and gets a pushed image, its layers and their download URLs", async () => {
    const image = aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const { imageDetails } = await ecrA().send(new DescribeImagesCommand({ repositoryName: "app" }));
    expect(imageDetails).toHaveLength(1);
    expect(imageDetails![0]).toMatchObject({ imageDigest: image.digest, imageTags: ["1.0"], imageManifestMediaType: image.mediaType });
    expect((await ecrA().send(new ListImagesCommand({ repositoryName: "app" }))).imageIds).toEqual([{ imageDigest: image.digest, imageTag: "1.0" }]);

    const { images, failures } = await ecrA().send(new BatchGetImageCommand({ repositoryName: "app", imageIds: [{ imageTag: "1.0" }, { imageTag: "missing" }] }));
    expect(images![0]!.imageManifest).toBe(image.manifest);
    expect(images![0]!.imageId).toEqual({ imageDigest: image.digest, imageTag: "1.0" });
    expect(failures).toEqual([{ imageId: { imageTag: "missing" }, failureCode: "ImageNotFound", failureReason: "Requested image not found" }]);

    const layers = await ecrA().send(new BatchCheckLayerAvailabilityCommand({ repositoryName: "app", layerDigests: [...image.layerDigests, `sha256:${"0".repeat(64)}`] }));
    expect(layers.layers!.map((layer) => [layer.layerDigest, layer.layerAvailability])).toEqual(image.layerDigests.map((digest) => [digest, "AVAILABLE"]));
    expect(layers.failures).toEqual([{ layerDigest: `sha256:${"0".repeat(64)}`, failureCode: "MissingLayerDigest", failureReason: "Could not find layer" }]);

    const { downloadUrl } = await ecrA().send(new GetDownloadUrlForLayerCommand({ repositoryName: "app", layerDigest: image.layerDigests[0]! }));
    const download = await fetch(downloadUrl!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it("refuses to describe an image that does not exist", async () => {
    aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    await expectAwsError(ecrA().send(new DescribeImagesCommand({ repositoryName: "app", imageIds: [{ imageTag: "2.0" }] })), {
      code: "ImageNotFoundException",
      message: `The image with imageId {imageDigest:'null', imageTag:'2.0'} does not exist within the repository with name 'app' in the registry with id '${ACCOUNT_A.accountId}'`,
      status: 400,
    });
  });
});

describe("ECR permissions", () => {
  it("refuses GetAuthorizationToken to a role without an identity policy that allows it", async () => {
    const session = await roleSession(aws.url, ACCOUNT_A, "NoPermissions");
    await expectAwsError(clients(aws.url, session).ecr.send(new GetAuthorizationTokenCommand({})), {
      code: "AccessDeniedException",
      message: `User: arn:aws:sts::${ACCOUNT_A.accountId}:assumed-role/NoPermissions/tests is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
      status: 400,
    });
  });

  it("allows what the managed AmazonEC2ContainerRegistryReadOnly policy allows", async () => {
    aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "app", tag: "1.0" });
    const session = await roleSession(aws.url, ACCOUNT_A, "ReadOnly", { managed: ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"] });
    const ecr = clients(aws.url, session).ecr;
    await expect(ecr.send(new GetAuthorizationTokenCommand({}))).resolves.toBeTruthy();
    await expect(ecr.send(new DescribeImagesCommand({ repositoryName: "app" }))).resolves.toBeTruthy();
    await expectAwsError(ecr.send(new CreateRepositoryCommand({ repositoryName: "new" })), {
      code: "AccessDeniedException",
      message: `User: ${session.arn} is not authorized to perform: ecr:CreateRepository on resource: ${repoArn(ACCOUNT_A.accountId, "new")} because no identity-based policy allows the ecr:CreateRepository action`,
      status: 400,
    });
  });

  it("limits pulls to the repositories the policy's resources name", async () => {
    aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "allowed", tag: "1.0" });
    aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "other", tag: "1.0" });
    const session = await roleSession(aws.url, ACCOUNT_A, "Scoped", { policy: pullPolicy(repoArn(ACCOUNT_A.accountId, "allow*")) });
    const ecr = clients(aws.url, session).ecr;
    await expect(ecr.send(new BatchGetImageCommand({ repositoryName: "allowed", imageIds: [{ imageTag: "1.0" }] }))).resolves.toBeTruthy();
    await expectAwsError(ecr.send(new BatchGetImageCommand({ repositoryName: "other", imageIds: [{ imageTag: "1.0" }] })), {
      code: "AccessDeniedException",
      message: `User: ${session.arn} is not authorized to perform: ecr:BatchGetImage on resource: ${repoArn(ACCOUNT_A.accountId, "other")} because no identity-based policy allows the ecr:BatchGetImage action`,
      status: 400,
    });
  });

  it("lets an explicit deny win over an allow", async () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "ecr:*", Resource: "*" },
        { Effect: "Deny", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      ],
    });
    const session = await roleSession(aws.url, ACCOUNT_A, "Denied", { policy });
    await expectAwsError(clients(aws.url, session).ecr.send(new GetAuthorizationTokenCommand({})), {
      code: "AccessDeniedException",
      message: `User: ${session.arn} is not authorized to perform: ecr:GetAuthorizationToken on resource: * with an explicit deny in an identity-based policy`,
      status: 400,
    });
  });

  it("needs the repository policy to allow a role from another account", async () => {
    aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "shared", tag: "1.0" });
    const session = await roleSession(aws.url, ACCOUNT_B, "Puller", { policy: pullPolicy(repoArn(ACCOUNT_A.accountId, "*")) });
    const ecr = clients(aws.url, session).ecr;
    const pull = () => ecr.send(new BatchGetImageCommand({ registryId: ACCOUNT_A.accountId, repositoryName: "shared", imageIds: [{ imageTag: "1.0" }] }));
    await expectAwsError(pull(), {
      code: "AccessDeniedException",
      message: `User: ${session.arn} is not authorized to perform: ecr:BatchGetImage on resource: ${repoArn(ACCOUNT_A.accountId, "shared")} because no resource-based policy allows the ecr:BatchGetImage action`,
      status: 400,
    });
    const policyText = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_B.accountId}:role/Puller` }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] }],
    });
    await ecrA().send(new SetRepositoryPolicyCommand({ repositoryName: "shared", policyText }));
    expect((await pull()).images).toHaveLength(1);
  });

  it("refuses a role from another account that the repository policy allows but its own policies do not", async () => {
    aws.pushFixtureImage({ accountId: ACCOUNT_A.accountId, region: REGION, repository: "shared", tag: "1.0" });
    const session = await roleSession(aws.url, ACCOUNT_B, "Unprivileged");
    const policyText = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ACCOUNT_B.accountId }, Action: "ecr:*" }] });
    await ecrA().send(new SetRepositoryPolicyCommand({ repositoryName: "shared", policyText }));
    await expectAwsError(clients(aws.url, session).ecr.send(new BatchGetImageCommand({ registryId: ACCOUNT_A.accountId, repositoryName: "shared", imageIds: [{ imageTag: "1.0" }] })), {
      code: "AccessDeniedException",
      message: `User: ${session.arn} is not authorized to perform: ecr:BatchGetImage on resource: ${repoArn(ACCOUNT_A.accountId, "shared")} because no identity-based policy allows the ecr:BatchGetImage action`,
      status: 400,
    });
  });
});
