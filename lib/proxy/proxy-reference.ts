// Image references through the proxy, in Replicated's scheme so vendors can
// switch without retraining their customers:
//   <proxy host>/proxy/<app-slug>/<upstream hostname>/<repository>:<tag|@digest>
// A registry on another port than 443 appears as <hostname>_<port>: ":" cannot
// be part of a repository name, and "_" can never be part of a hostname.
// Pure apart from proxyHost(): the registry page validates as the vendor
// types (in the browser, with the host passed in), and the pull path parses
// repository names with parseProxyRepository.
import { getEnv } from "@/lib/env";

export const PROXY_PATH_PREFIX = "proxy";

/** One path component of a repository name (OCI distribution spec). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const PORT = /^[1-9][0-9]{0,4}$/;
const APP_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The spec's limit on a repository name is 255 characters in practice (registries refuse longer). */
const MAX_NAME_LENGTH = 255;

export interface UpstreamImageReference {
  hostname: string;
  repository: string;
  tag: string | null;
  digest: string | null;
}

export interface ProxyReference {
  /** What the customer pulls, e.g. registry.example.com/proxy/app/123….amazonaws.com/team/api:1.0 */
  reference: string;
  upstream: UpstreamImageReference;
  /** True when neither tag nor digest was given and ":latest" was added, as docker would. */
  defaultedToLatest: boolean;
  /** True when both a tag and a digest were given; the digest is kept (the tag would be ignored by clients anyway). */
  droppedTag: boolean;
}

export type ReferenceResult<T> = { ok: true; value: T } | { ok: false; message: string };

const EXAMPLE = "e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/vendor/app:1.0";

/** The host customers pull from (PROXY_URL, else APP_URL), with the port when not the default. */
export function proxyHost(): string {
  return new URL(getEnv().PROXY_URL).host;
}

/** Parses an upstream image reference as docker would print it. Host is required. */
export function parseUpstreamImageReference(input: string): ReferenceResult<UpstreamImageReference> {
  let value = input.trim().replace(/^(?:docker|podman)\s+pull\s+/, "");
  if (value === "") return fail(`Paste an image reference, ${EXAMPLE}.`);
  if (/\s/.test(value)) return fail(`An image reference has no spaces; paste just the reference, ${EXAMPLE}.`);
  value = value.replace(/^docker:\/\//, "").replace(/^https?:\/\//i, "");
  if (/[^\x21-\x7e]/.test(value)) return fail(`The reference contains non-ASCII characters (look-alike letters are not accepted). Paste it again, ${EXAMPLE}.`);

  let digest: string | null = null;
  const at = value.indexOf("@");
  if (at >= 0) {
    digest = value.slice(at + 1);
    value = value.slice(0, at);
    if (!DIGEST.test(digest)) return fail(`"@${digest}" is not a digest; a digest looks like @sha256: followed by 64 hexadecimal characters.`);
    if (digest.startsWith("sha256:") && !SHA256_DIGEST.test(digest)) return fail("A sha256 digest has exactly 64 lower-case hexadecimal characters after sha256:.");
  }
  const slash = value.indexOf("/");
  if (slash < 0) return fail(`Include the registry hostname before the repository, ${EXAMPLE}. Images without a hostname come from Docker Hub, which the proxy does not serve.`);
  const hostAndPort = value.slice(0, slash).toLowerCase();
  let rest = value.slice(slash + 1);
  const [host = "", port, ...more] = hostAndPort.split(":");
  if (!host.includes(".")) return fail(`"${host}" is not a registry hostname; the reference must start with one, ${EXAMPLE}.`);
  if (!HOSTNAME.test(host)) return fail(`"${host}" is not a valid hostname, ${EXAMPLE}.`);
  if (more.length > 0 || (port !== undefined && !validPort(port))) return fail(`"${hostAndPort}" has an invalid port: after the hostname, ":" and a number from 1 to 65535.`);
  // Port 443 is the registry's standard port, as registries are stored.
  const hostname = port === undefined || port === "443" ? host : `${host}:${port}`;

  let tag: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return fail(`":${tag}" is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".`);
  }
  const repository = rest.replace(/\/+$/, "");
  if (repository === "") return fail(`Add the repository after the hostname, ${EXAMPLE}.`);
  const badComponent = repository.split("/").find((component) => !PATH_COMPONENT.test(component));
  if (badComponent !== undefined) {
    if (badComponent !== badComponent.toLowerCase() && PATH_COMPONENT.test(badComponent.toLowerCase())) return fail(`Repository names are lower-case; "${badComponent}" has capitals.`);
    return fail(`"${badComponent || "(empty)"}" is not a valid repository path component: lower-case letters and digits, separated by ".", "_", "__" or "-".`);
  }
  return { ok: true, value: { hostname, repository, tag, digest } };
}

/**
 * The proxy reference of an upstream image for an application. `host`
 * defaults to proxyHost(); browser code passes it in.
 */
export function toProxyReference(upstreamImageRef: string, appSlug: string, host: string = proxyHost()): ReferenceResult<ProxyReference> {
  const parsed = parseUpstreamImageReference(upstreamImageRef);
  if (!parsed.ok) return parsed;
  const upstream = parsed.value;
  const name = `${PROXY_PATH_PREFIX}/${appSlug}/${hostPathComponent(upstream.hostname)}/${upstream.repository}`;
  if (name.length > MAX_NAME_LENGTH) return fail(`The proxied repository name would be ${name.length} characters, over the ${MAX_NAME_LENGTH} registries accept; use a shorter repository name.`);
  const suffix = upstream.digest ? `@${upstream.digest}` : `:${upstream.tag ?? "latest"}`;
  return {
    ok: true,
    value: {
      reference: `${host}/${name}${suffix}`,
      upstream,
      defaultedToLatest: upstream.tag === null && upstream.digest === null,
      droppedTag: upstream.tag !== null && upstream.digest !== null,
    },
  };
}

export interface ProxyRepository {
  appSlug: string;
  /** As registries are stored: the hostname, with ":<port>" when not 443. */
  upstreamHostname: string;
  repository: string;
}

/**
 * The inverse, for the pull path: "proxy/<app>/<host>/<repo>" into its parts,
 * or null when the name is not a well-formed proxy repository name.
 */
export function parseProxyRepository(name: string): ProxyRepository | null {
  if (name.length > MAX_NAME_LENGTH) return null;
  const parts = name.split("/");
  if (parts.length < 4 || parts[0] !== PROXY_PATH_PREFIX) return null;
  const [, appSlug, hostComponent, ...repositoryParts] = parts as [string, string, string, ...string[]];
  const upstreamHostname = hostFromPathComponent(hostComponent);
  if (!APP_SLUG.test(appSlug) || upstreamHostname === null) return null;
  if (!repositoryParts.every((part) => PATH_COMPONENT.test(part))) return null;
  return { appSlug, upstreamHostname, repository: repositoryParts.join("/") };
}

/** The repository-name component for a registry hostname: "host:5000" becomes "host_5000". */
export function hostPathComponent(hostname: string): string {
  return hostname.replace(":", "_");
}

function hostFromPathComponent(component: string): string | null {
  const [host = "", port, ...more] = component.split("_");
  if (more.length > 0 || !HOSTNAME.test(host)) return null;
  if (port === undefined) return host;
  return validPort(port) && port !== "443" ? `${host}:${port}` : null;
}

function validPort(port: string): boolean {
  return PORT.test(port) && Number(port) <= 65535;
}

function fail(message: string): ReferenceResult<never> {
  return { ok: false, message };
}
