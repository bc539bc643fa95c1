// What the registry endpoint's handlers share: the authenticated call and the
// distribution API's answers and error bodies.
import type { ServerResponse } from "node:http";
import { send } from "./http-response";
import type { ServerContext } from "./server-context";
import type { Principal } from "./principals";
import type { ReceivedRequest } from "./sigv4";
import type { Image, Repository } from "./state";

const DISTRIBUTION_HEADERS = { "Docker-Distribution-Api-Version": "registry/2.0" };

/** An image by tag or by digest. */
export function findImage(repository: Repository, reference: string): Image | undefined {
  return reference.startsWith("sha256:") ? repository.images.find((image) => image.digest === reference) : repository.images.find((image) => image.tags.includes(reference));
}

/** One authenticated request to the registry endpoint. */
export interface RegistryCall {
  context: ServerContext;
  request: ReceivedRequest;
  response: ServerResponse;
  principal: Principal;
  accountId: string;
  region: string;
  /** The path prefix the client used before /v2 ("" or /_registry/<hostname>), for Location headers. */
  prefix: string;
}

export function registryError(response: ServerResponse, status: number, code: string, message: string, extraHeaders: Record<string, string> = {}): void {
  send(response, status, { ...DISTRIBUTION_HEADERS, ...extraHeaders, "Content-Type": "application/json; charset=utf-8" }, JSON.stringify({ errors: [{ code, message, detail: null }] }));
}

export function registryAnswer(response: ServerResponse, status: number, headers: Record<string, string | number>, body: string | Buffer = ""): void {
  send(response, status, { ...DISTRIBUTION_HEADERS, ...headers }, body);
}

