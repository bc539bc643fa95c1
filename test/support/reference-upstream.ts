// A vendor's registry for pull-path tests that need real images: Debian's
// docker-registry (the CNCF reference registry, htpasswd) with the given
// images pushed by skopeo, which the portal reaches under a hostname of the
// vendor's own (REGISTRY_ENDPOINT_OVERRIDES), and the vendor's generic-OCI
// registry for it, made through the portal's own service. Use it beside
// startProxyWorld (proxy-world.ts), which serves the proxy.
import { resetEnvCache } from "@/lib/env";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import type { AuditActor } from "@/lib/audit/service";
import { pushImage, startReferenceRegistry, type PushedImage, type PushImageOptions, type ReferenceRegistry } from "@/tools/reference-registry";

/** The vendor's credentials at its registry. */
export const UPSTREAM_CREDENTIALS = { username: "vendor", password: "vendor-password-1" };

export interface ReferenceUpstream {
  /** The hostname vendors enter for the registry, e.g. entitled-registry.example.test. */
  hostname: string;
  registry: ReferenceRegistry;
  /** By "repository:tag". */
  images: Record<string, PushedImage>;
  /** The proxied name of a repository for an application: proxy/<app>/<hostname>/<repository>. */
  proxyName(applicationSlug: string, repository: string): string;
  stop(): Promise<void>;
}

/** Starts the registry, pushes the images (one layer each unless options say otherwise) and points the portal's `hostname` at it. */
export async function startReferenceUpstream(hostname: string, images: readonly (readonly [repository: string, tag: string, options?: PushImageOptions])[]): Promise<ReferenceUpstream> {
  const registry = await startReferenceRegistry({ auth: "htpasswd", users: [UPSTREAM_CREDENTIALS] });
  const pushed: Record<string, PushedImage> = {};
  try {
    for (const [repository, tag, options] of images) pushed[`${repository}:${tag}`] = await pushImage(registry, repository, tag, UPSTREAM_CREDENTIALS, options ?? { layers: 1 });
  } catch (error) {
    await registry.stop();
    throw error;
  }
  process.env.REGISTRY_ENDPOINT_OVERRIDES = [`${hostname}=${registry.baseUrl}`, process.env.REGISTRY_ENDPOINT_OVERRIDES].filter(Boolean).join(",");
  resetEnvCache();
  return { hostname, registry, images: pushed, proxyName: (applicationSlug, repository) => `proxy/${applicationSlug}/${hostname}/${repository}`, stop: () => registry.stop() };
}

/** The vendor's generic-OCI registry (basic authentication) for the upstream, serving every application of the team. */
export function upstreamRegistry(vendor: { team: { id: string }; actor: AuditActor }, upstream: Pick<ReferenceUpstream, "hostname">) {
  return createRegistry(
    vendor.team.id,
    vendor.actor,
    ZCreateRegistryInput.parse({ provider: "generic", name: "", hostname: upstream.hostname, authType: "basic", ...UPSTREAM_CREDENTIALS, accessKeyId: "", secretAccessKey: "", roleArn: "", allApplications: true, applicationIds: [] }),
  );
}

/** The same registry's fields as the REST API takes them (POST /registries). */
export function upstreamRegistryBody(upstream: Pick<ReferenceUpstream, "hostname">) {
  return { provider: "generic", name: "", hostname: upstream.hostname, authType: "basic", ...UPSTREAM_CREDENTIALS, accessKeyId: "", secretAccessKey: "", roleArn: "", allApplications: true, applicationIds: [] };
}
