// The ECR API over JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Op>`):
// authorization tokens, repositories and their policies, and the read side
// of images. Errors are `{ "__type": …, "message": … }` bodies.
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { AwsError } from "./aws-error";
import { blobSize } from "./blob-data";
import { authorizeEcr, repositoryArn } from "./ecr-authorization";
import { send } from "./http-response";
import type { ServerContext } from "./server-context";
import { MalformedPolicyError, parsePolicy } from "./policy-evaluation";
import { authenticate, unknownAwsPrincipal, type Principal } from "./principals";
import { layerDownloadUrl } from "./layer-storage";
import { registryHostname } from "./registry-endpoint";
import { findImage } from "./registry-protocol";
import { headerValue, type ReceivedRequest } from "./sigv4";
import { repositoryKey, type Image, type Repository } from "./state";

const TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";
const AUTHORIZATION_TOKEN_LIFETIME_MS = 12 * 3_600_000;
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

type Input = Record<string, unknown>;

interface EcrCall {
  context: ServerContext;
  principal: Principal;
  region: string;
  input: Input;
  clientHost: string | undefined;
}

type ImageId = { imageTag?: string; imageDigest?: string };

const operations: Record<string, (call: EcrCall) => unknown> = {
  GetAuthorizationToken(call) {
    authorizeEcr(call.context.state, call.principal, "ecr:GetAuthorizationToken", "*");
    const now = call.context.now();
    for (const [password, token] of Object.entries(call.context.state.authTokens)) if (token.expiresAt <= now) delete call.context.state.authTokens[password];
    const password = randomBytes(96).toString("base64");
    const expiresAt = now + AUTHORIZATION_TOKEN_LIFETIME_MS;
    call.context.state.authTokens[password] = { password, accountId: call.principal.accountId, region: call.region, principalArn: call.principal.arn, accessKeyId: call.principal.accessKeyId, expiresAt };
    const registryIds = Array.isArray(call.input.registryIds) && call.input.registryIds.length > 0 ? (call.input.registryIds as string[]) : [call.principal.accountId];
    return {
      authorizationData: registryIds.map((registryId) => ({
        authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
        expiresAt: expiresAt / 1000,
        proxyEndpoint: `${call.context.baseUrl}/_registry/${registryHostname(registryId, call.region)}`,
      })),
    };
  },
  CreateRepository(call) {
    const name = repositoryName(call);
    const registryId = registryIdOf(call);
    if (registryId !== call.principal.accountId) throw new AwsError("InvalidParameterException", "Invalid parameter at 'registryId' failed to satisfy constraint: 'must be the caller's own registry'", 400);
    const arn = repositoryArn(registryId, call.region, name);
    authorizeEcr(call.context.state, call.principal, "ecr:CreateRepository", arn);
    const key = repositoryKey(registryId, call.region, name);
    if (call.context.state.repositories[key]) throw new AwsError("RepositoryAlreadyExistsException", `The repository with name '${name}' already exists in the registry with id '${registryId}'`, 400);
    const repository: Repository = { accountId: registryId, region: call.region, name, arn, createdAt: call.context.now(), images: [], blobs: {} };
    call.context.state.repositories[key] = repository;
    return { repository: repositoryJson(repository) };
  },
  DescribeRepositories(call) {
    const registryId = registryIdOf(call);
    const names = Array.isArray(call.input.repositoryNames) ? (call.input.repositoryNames as string[]) : undefined;
    if (names) return { repositories: names.map((name) => repositoryJson(authorizedRepository(call, "ecr:DescribeRepositories", name))) };
    authorizeEcr(call.context.state, call.principal, "ecr:DescribeRepositories", repositoryArn(registryId, call.region, "*"));
    const repositories = Object.values(call.context.state.repositories).filter((repository) => repository.accountId === registryId && repository.region === call.region);
    return { repositories: repositories.map(repositoryJson) };
  },
  DeleteRepository(call) {
    const repository = authorizedRepository(call, "ecr:DeleteRepository");
    if (repository.images.length > 0 && call.input.force !== true) {
      throw new AwsError("RepositoryNotEmptyException", `The repository with name '${repository.name}' in registry with id '${repository.accountId}' cannot be deleted because it still contains images`, 400);
    }
    delete call.context.state.repositories[repositoryKey(repository.accountId, repository.region, repository.name)];
    return { repository: repositoryJson(repository) };
  },
  SetRepositoryPolicy(call) {
    const repository = authorizedRepository(call, "ecr:SetRepositoryPolicy");
    const policyText = typeof call.input.policyText === "string" ? call.input.policyText : "";
    const invalid = new AwsError("InvalidParameterException", "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'", 400);
    try {
      if (unknownAwsPrincipal(call.context.state, parsePolicy(policyText))) throw invalid;
    } catch (error) {
      if (!(error instanceof MalformedPolicyError)) throw error;
      throw invalid;
    }
    repository.policy = policyText;
    return { registryId: repository.accountId, repositoryName: repository.name, policyText };
  },
  GetRepositoryPolicy(call) {
    const repository = authorizedRepository(call, "ecr:GetRepositoryPolicy");
    if (repository.policy === undefined) {
      throw new AwsError("RepositoryPolicyNotFoundException", `Repository policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.accountId}'`, 400);
    }
    return { registryId: repository.accountId, repositoryName: repository.name, policyText: repository.policy };
  },
  DeleteRepositoryPolicy(call) {
    const repository = authorizedRepository(call, "ecr:DeleteRepositoryPolicy");
    const policyText = repository.policy;
    if (policyText === undefined) {
      throw new AwsError("RepositoryPolicyNotFoundException", `Repository policy does not exist for the repository with name '${repository.name}' in the registry with id '${repository.accountId}'`, 400);
    }
    delete repository.policy;
    return { registryId: repository.accountId, repositoryName: repository.name, policyText };
  },
  DescribeImages(call) {
    const repository = authorizedRepository(call, "ecr:DescribeImages");
    const imageIds = Array.isArray(call.input.imageIds) ? (call.input.imageIds as ImageId[]) : undefined;
    const images = imageIds
      ? imageIds.map((imageId) => {
          const image = findImage(repository, imageId.imageDigest ?? imageId.imageTag ?? "");
          if (!image || (imageId.imageTag && imageId.imageDigest && !image.tags.includes(imageId.imageTag))) {
            throw new AwsError(
              "ImageNotFoundException",
              `The image with imageId {imageDigest:'${imageId.imageDigest ?? "null"}', imageTag:'${imageId.imageTag ?? "null"}'} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.accountId}'`,
              400,
            );
          }
          return image;
        })
      : repository.images;
    return { imageDetails: images.map((image) => imageDetailJson(repository, image)) };
  },
  ListImages(call) {
    const repository = authorizedRepository(call, "ecr:ListImages");
    return {
      imageIds: repository.images.flatMap((image) =>
        image.tags.length === 0 ? [{ imageDigest: image.digest }] : image.tags.map((tag) => ({ imageDigest: image.digest, imageTag: tag })),
      ),
    };
  },
  BatchGetImage(call) {
    const repository = authorizedRepository(call, "ecr:BatchGetImage");
    const imageIds = Array.isArray(call.input.imageIds) ? (call.input.imageIds as ImageId[]) : [];
    const accepted = Array.isArray(call.input.acceptedMediaTypes) ? (call.input.acceptedMediaTypes as string[]) : undefined;
    const images: unknown[] = [];
    const failures: unknown[] = [];
    for (const imageId of imageIds) {
      const image = findImage(repository, imageId.imageDigest ?? imageId.imageTag ?? "");
      if (!image) {
        failures.push({ imageId, failureCode: "ImageNotFound", failureReason: "Requested image not found" });
      } else if (imageId.imageTag && !image.tags.includes(imageId.imageTag)) {
        failures.push({ imageId, failureCode: "ImageTagDoesNotMatchDigest", failureReason: "Invalid image tag for image digest" });
      } else if (accepted && !accepted.includes(image.mediaType)) {
        failures.push({ imageId, failureCode: "UnsupportedImageType", failureReason: "Image type not supported by the accepted media types" });
      } else {
        images.push({ registryId: repository.accountId, repositoryName: repository.name, imageId: { imageDigest: image.digest, ...(imageId.imageTag ? { imageTag: imageId.imageTag } : {}) }, imageManifest: image.manifest, imageManifestMediaType: image.mediaType });
      }
    }
    return { images, failures };
  },
  GetDownloadUrlForLayer(call) {
    const repository = authorizedRepository(call, "ecr:GetDownloadUrlForLayer");
    const digest = typeof call.input.layerDigest === "string" ? call.input.layerDigest : "";
    if (!repository.blobs[digest]) throw new AwsError("LayersNotFoundException", `The image layer '${digest}' does not exist in the repository with name '${repository.name}' in the registry with id '${repository.accountId}'`, 400);
    return { downloadUrl: layerDownloadUrl(call.context, repository, digest, call.clientHost), layerDigest: digest };
  },
  BatchCheckLayerAvailability(call) {
    const repository = authorizedRepository(call, "ecr:BatchCheckLayerAvailability");
    const digests = Array.isArray(call.input.layerDigests) ? (call.input.layerDigests as string[]) : [];
    const layers: unknown[] = [];
    const failures: unknown[] = [];
    for (const digest of digests) {
      const blob = repository.blobs[digest];
      if (blob) layers.push({ layerDigest: digest, layerAvailability: "AVAILABLE", layerSize: blobSize(blob), mediaType: blob.mediaType });
      else failures.push({ layerDigest: digest, failureCode: "MissingLayerDigest", failureReason: "Could not find layer" });
    }
    return { layers, failures };
  },
};

export async function handleEcr(context: ServerContext, request: ReceivedRequest, response: ServerResponse): Promise<void> {
  try {
    const target = String(request.headers["x-amz-target"] ?? "");
    const { principal, signature } = await authenticate(context.state, request, "json", context.now());
    const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
    if (!operation) throw new AwsError("UnknownOperationException", "", 400);
    let input: Input;
    try {
      input = request.body.length > 0 ? (JSON.parse(request.body.toString("utf8")) as Input) : {};
    } catch {
      throw new AwsError("SerializationException", "Start of structure or map found where not expected.", 400);
    }
    const output = operation({ context, principal, region: signature.region, input, clientHost: headerValue(request.headers, "host") });
    send(response, 200, { "Content-Type": "application/x-amz-json-1.1" }, JSON.stringify(output));
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    send(response, error.status, { "Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": error.code }, JSON.stringify({ __type: error.code, message: error.message }));
  }
}

function registryIdOf(call: EcrCall): string {
  const registryId = call.input.registryId;
  if (registryId === undefined) return call.principal.accountId;
  if (typeof registryId !== "string" || !/^\d{12}$/.test(registryId)) {
    throw new AwsError("InvalidParameterException", `Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''`, 400);
  }
  return registryId;
}

function repositoryName(call: EcrCall, name = call.input.repositoryName): string {
  if (typeof name !== "string" || !REPOSITORY_NAME.test(name)) {
    throw new AwsError(
      "InvalidParameterException",
      `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`,
      400,
    );
  }
  return name;
}

/** The repository named in the call, after checking the caller may perform the action on it. */
function authorizedRepository(call: EcrCall, action: string, name = repositoryName(call)): Repository {
  const registryId = registryIdOf(call);
  const arn = repositoryArn(registryId, call.region, name);
  const repository = call.context.state.repositories[repositoryKey(registryId, call.region, name)];
  authorizeEcr(call.context.state, call.principal, action, arn, repository);
  if (!repository) throw new AwsError("RepositoryNotFoundException", `The repository with name '${name}' does not exist in the registry with id '${registryId}'`, 400);
  return repository;
}

function repositoryJson(repository: Repository) {
  return {
    repositoryArn: repository.arn,
    registryId: repository.accountId,
    repositoryName: repository.name,
    repositoryUri: `${registryHostname(repository.accountId, repository.region)}/${repository.name}`,
    createdAt: repository.createdAt / 1000,
    imageTagMutability: "MUTABLE",
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: "AES256" },
  };
}

function imageDetailJson(repository: Repository, image: Image) {
  const manifest = JSON.parse(image.manifest) as { config?: { mediaType?: string } };
  return {
    registryId: repository.accountId,
    repositoryName: repository.name,
    imageDigest: image.digest,
    ...(image.tags.length > 0 ? { imageTags: image.tags } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: image.pushedAt / 1000,
    imageManifestMediaType: image.mediaType,
    artifactMediaType: manifest.config?.mediaType,
  };
}
