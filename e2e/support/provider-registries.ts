// The registries of every provider other than ECR for the e2e portal: each
// provider's stand-in (tools/registry-standins) with one image pushed, the
// real hostname the vendor types in the form, the credential that works, and
// the overrides that send the portal's requests for those hosts to the
// stand-ins (REGISTRY_ENDPOINT_OVERRIDES, AUTH_ENDPOINT_OVERRIDES).
import { startReferenceRegistry, pushImage } from "../../tools/reference-registry";
import {
  createServiceAccountKey,
  startAzureStandIn,
  startDockerHubStandIn,
  startGhcrStandIn,
  startGitlabStandIn,
  GoogleFederation,
  startGoogleStandIn,
  startHarborStandIn,
  startQuayStandIn,
} from "../../tools/registry-standins";

/** A registry as the vendor adds it through the form, with the image its Test checks. */
export interface E2eProviderRegistry {
  /** A short unique key (also the registry's name in specs). */
  key: string;
  provider: "docker-hub" | "ghcr" | "quay" | "gitlab" | "google" | "azure" | "generic";
  hostname: string;
  authType: "basic" | "anonymous" | "json_key" | "service_principal";
  flavor?: "harbor" | "nexus" | "jfrog" | "other";
  /** The form's credential fields by schema name (username, password, jsonKey, tenantId, clientId, clientSecret). */
  fields: Record<string, string>;
  /** The one secret of the credential (what must never appear in a page, log or response). */
  secret?: string;
  /** An image the credential may pull, `<repository>:<tag>`. */
  image: string;
  /** A repository of the same registry the credential may not pull. */
  forbiddenImage?: string;
}

/** Keyless registries: the values the vendor types, and the stand-in the spec applies the page's setup to. */
export interface E2eKeylessRegistries {
  azure?: { hostname: string; tenantId: string; clientId: string; image: string; standInUrl: string };
  quay?: { hostname: string; image: string; standInUrl: string; adminToken: string };
  /** Google: the stand-in's workload identity federation, set up by POSTing the page's gcloud commands to `gcloudUrl`. */
  google?: { hostname: string; projectNumber: string; image: string; gcloudUrl: string };
}

export interface ProviderRegistries {
  registries: E2eProviderRegistry[];
  keyless: E2eKeylessRegistries;
  registryOverrides: string[];
  authOverrides: string[];
  close(): Promise<void>;
}

export async function startProviderRegistries(): Promise<ProviderRegistries> {
  const closers: (() => Promise<void>)[] = [];
  const registries: E2eProviderRegistry[] = [];
  const registryOverrides: string[] = [];
  const authOverrides: string[] = [];
  const keyless: E2eKeylessRegistries = {};
  try {
    const hub = await startDockerHubStandIn({ accounts: [{ username: "acmevendor", token: "dckr_pat_e2eAcmeVendorToken000001", access: [{ repository: "acmevendor/app", actions: ["pull"] }] }], realmOrigin: "https://auth.docker.io" });
    closers.push(() => hub.close());
    await hub.push("acmevendor/app", "1.0");
    await hub.push("acmevendor/private", "1.0");
    registryOverrides.push(`registry-1.docker.io=${hub.url}`);
    authOverrides.push(`auth.docker.io=${hub.url}`);
    registries.push({ key: "docker-hub", provider: "docker-hub", hostname: "docker.io", authType: "basic", fields: { username: "acmevendor", password: "dckr_pat_e2eAcmeVendorToken000001" }, secret: "dckr_pat_e2eAcmeVendorToken000001", image: "acmevendor/app:1.0", forbiddenImage: "acmevendor/private:1.0" });

    const ghcr = await startGhcrStandIn({ tokens: [{ username: "octo-vendor", token: "ghp_e2eClassicReadPackages00000000000001", access: [{ repository: "octo-vendor/app", actions: ["pull"] }] }] });
    closers.push(() => ghcr.close());
    await ghcr.push("octo-vendor/app", "1.0");
    registryOverrides.push(`ghcr.io=${ghcr.url}`);
    registries.push({ key: "ghcr", provider: "ghcr", hostname: "ghcr.io", authType: "basic", fields: { username: "octo-vendor", password: "ghp_e2eClassicReadPackages00000000000001" }, secret: "ghp_e2eClassicReadPackages00000000000001", image: "octo-vendor/app:1.0" });

    // The admin token lets the keyless spec run the page's curl commands (robot, Read, federation) against the stand-in.
    const quayAdminToken = "e2e-quay-admin-oauth-token-0001";
    const quay = await startQuayStandIn({ robots: [{ name: "acme+puller", token: "E2EQUAYROBOTTOKEN0000000000000001", access: [{ repository: "acme/app", actions: ["pull"] }] }], adminToken: quayAdminToken });
    keyless.quay = { hostname: "quay.io", image: "acme/app:1.0", standInUrl: quay.url, adminToken: quayAdminToken };
    closers.push(() => quay.close());
    await quay.push("acme/app", "1.0");
    registryOverrides.push(`quay.io=${quay.url}`);
    registries.push({ key: "quay", provider: "quay", hostname: "quay.io", authType: "basic", fields: { username: "acme+puller", password: "E2EQUAYROBOTTOKEN0000000000000001" }, secret: "E2EQUAYROBOTTOKEN0000000000000001", image: "acme/app:1.0" });

    const gitlab = await startGitlabStandIn({ tokens: [{ username: "gitlab+deploy-token-42", token: "gldt-e2eDeployToken0000000001", projects: ["acme/app"] }], realmOrigin: "https://gitlab.com" });
    closers.push(() => gitlab.close());
    await gitlab.push("acme/app/backend", "1.0");
    registryOverrides.push(`registry.gitlab.com=${gitlab.url}`);
    authOverrides.push(`gitlab.com=${gitlab.url}`);
    registries.push({ key: "gitlab", provider: "gitlab", hostname: "registry.gitlab.com", authType: "basic", fields: { username: "gitlab+deploy-token-42", password: "gldt-e2eDeployToken0000000001" }, secret: "gldt-e2eDeployToken0000000001", image: "acme/app/backend:1.0" });

    const { account, keyFile } = createServiceAccountKey({ projectId: "acme-prod", name: "portal-puller", access: [{ repository: "acme-prod/images/*", actions: ["pull"] }] });
    const googleProject = new GoogleFederation("acme-prod", "246813579024");
    const google = await startGoogleStandIn({ hostname: "europe-west1-docker.pkg.dev", serviceAccounts: [account], federation: googleProject });
    closers.push(() => google.close());
    await google.push("acme-prod/images/app", "1.0");
    registryOverrides.push(`europe-west1-docker.pkg.dev=${google.url}`);
    authOverrides.push(`sts.googleapis.com=${google.url}`, `iamcredentials.googleapis.com=${google.url}`);
    const jsonKey = JSON.stringify(keyFile, null, 2);
    registries.push({ key: "google", provider: "google", hostname: "europe-west1-docker.pkg.dev", authType: "json_key", fields: { jsonKey }, secret: keyFile.private_key.split("\n")[1]!, image: "acme-prod/images/app:1.0" });
    keyless.google = { hostname: "europe-west1-docker.pkg.dev", projectNumber: googleProject.projectNumber, image: "acme-prod/images/app:1.0", gcloudUrl: `${google.url}/_stand-in/gcloud` };

    const tenantId = "7f3c2a10-58d1-4c9e-9b7a-1d2e3f4a5b6c";
    const clientId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    const clientSecret = "e2e~AzureClientSecret.0000000000000001";
    // A second app for keyless: no secret, no federated credential, no AcrPull until the spec applies the page's setup.
    const keylessClientId = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
    const azure = await startAzureStandIn({
      registryName: "acmevendor",
      applications: [
        { tenantId, clientId, secrets: [{ value: clientSecret }], acrPull: true },
        { tenantId, clientId: keylessClientId, secrets: [], acrPull: false, federatedCredentials: [] },
      ],
    });
    keyless.azure = { hostname: "acmevendor.azurecr.io", tenantId, clientId: keylessClientId, image: "acme/app:1.0", standInUrl: azure.url };
    closers.push(() => azure.close());
    await azure.push("acme/app", "1.0");
    registryOverrides.push(`acmevendor.azurecr.io=${azure.url}`);
    authOverrides.push(`login.microsoftonline.com=${azure.url}`);
    registries.push({ key: "azure", provider: "azure", hostname: "acmevendor.azurecr.io", authType: "service_principal", fields: { tenantId, clientId, clientSecret }, secret: clientSecret, image: "acme/app:1.0" });

    const harbor = await startHarborStandIn({ accounts: [{ username: "robot$acme+portal", password: "e2eHarborRobotSecret0000000001", access: [{ repository: "acme/*", actions: ["pull"] }] }], publicProjects: ["library"] });
    closers.push(() => harbor.close());
    await harbor.push("acme/app", "1.0");
    await harbor.push("library/base", "1.0");
    registryOverrides.push(`harbor.e2e.test=${harbor.url}`, `harbor-public.e2e.test=${harbor.url}`);
    registries.push({ key: "harbor", provider: "generic", flavor: "harbor", hostname: "harbor.e2e.test", authType: "basic", fields: { username: "robot$acme+portal", password: "e2eHarborRobotSecret0000000001" }, secret: "e2eHarborRobotSecret0000000001", image: "acme/app:1.0" });
    registries.push({ key: "public", provider: "generic", flavor: "other", hostname: "harbor-public.e2e.test", authType: "anonymous", fields: {}, image: "library/base:1.0" });

    // A Basic-auth registry on a port (Nexus's Docker connector style): the reference registry with htpasswd.
    const nexusUser = { username: "portal-reader", password: "e2eNexusPassword0000000001" };
    const nexus = await startReferenceRegistry({ auth: "htpasswd", users: [nexusUser] });
    closers.push(() => nexus.stop());
    await pushImage(nexus, "acme/app", "1.0", nexusUser);
    registryOverrides.push(`nexus.e2e.test:8443=${nexus.baseUrl}`);
    registries.push({ key: "nexus", provider: "generic", flavor: "nexus", hostname: "nexus.e2e.test:8443", authType: "basic", fields: nexusUser, secret: nexusUser.password, image: "acme/app:1.0" });
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw error;
  }
  return {
    registries,
    keyless,
    registryOverrides,
    authOverrides,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => {});
    },
  };
}
