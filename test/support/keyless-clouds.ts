// The three keyless clouds side by side, for tests that treat them alike
// (cross-tenant, …): the Google, Azure and Quay stand-ins started beside a
// ProxyWorld (its issuer is the portal's), the portal pointed at all of them, and per cloud the
// same verbs: connect a team as its registry page says (the page's own
// commands applied to the stand-in), and present a token at the point where
// that cloud decides (Google STS, Entra ID's token endpoint, Quay's robot
// federation endpoint), over real HTTP.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { resetEnvCache } from "@/lib/env";
import { getRegistryOidcSetup } from "@/lib/registries/oidc-setup";
import { PROVIDERS } from "@/lib/registries/providers";
import type { RegistryProvider } from "@/lib/registries/providers/types";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import type { newVendorTeam } from "@/test/support/proxy-world";
import { startAzureStandIn, startQuayStandIn, type AzureStandIn, type QuayStandIn } from "@/tools/registry-standins";
import { applyAzScript } from "@/tools/registry-standins/az";
import { applyGcloudScript } from "@/tools/registry-standins/gcloud";
import { startGoogleStandIn } from "@/tools/registry-standins/google";
import { GoogleFederation, JWT_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT, ACCESS_TOKEN_TYPE, CLOUD_PLATFORM_SCOPE } from "@/tools/registry-standins/google-federation";
import { JWT_BEARER } from "@/tools/registry-standins/azure";
import type { StandIn } from "@/tools/registry-standins/stand-in";

const run = promisify(execFile);
type Vendor = Awaited<ReturnType<typeof newVendorTeam>>;

/** The keyless registry fields of one federation (a pool and provider, an app, a robot): what a team types in the form. */
export type FederationFields = Record<string, string>;

export interface CloudAnswer {
  status: number;
  body: string;
}

export interface KeylessCloud {
  provider: Extract<RegistryProvider, "google" | "azure" | "quay">;
  /** The cloud's own name, for test titles. */
  label: string;
  hostname: string;
  /** An image pushed to the cloud's registry. */
  repository: string;
  tag: string;
  standIn: StandIn;
  /** Prepares a federation for the team (a pool, an app, a robot), applies the team's registry page's commands to it, and creates the registry. */
  connect(vendor: Vendor): Promise<{ fields: FederationFields; registryId: string }>;
  /** Creates a keyless registry of `vendor` naming the federation `fields` (which may be another team's). */
  createRegistry(vendor: Vendor, fields: FederationFields): Promise<string>;
  /** The audience the portal's token carries for this federation. */
  audience(fields: FederationFields): string;
  /** Presents the portal's `token` where the cloud decides, for the federation `fields`. */
  present(token: string, fields: FederationFields): Promise<CloudAnswer>;
  /** The cloud's refusal of a token whose subject the federation does not trust, in its own words. */
  subjectRefusal: RegExp;
  /** Whether a stand-in request is the cloud's decision point. */
  isDecisionPoint(path: string): boolean;
}

export interface KeylessClouds {
  google: KeylessCloud;
  azure: KeylessCloud & { standIn: AzureStandIn };
  quay: KeylessCloud & { standIn: QuayStandIn };
  all: KeylessCloud[];
  close(): Promise<void>;
}

const GOOGLE_HOST = "europe-west1-docker.pkg.dev";
const GOOGLE_PROJECT = { id: "acme-prod", number: "246813579024" };
const AZURE_TENANT = "0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b";
const QUAY_ADMIN_TOKEN = "quay-admin-oauth-token-keyless-clouds";

export async function startKeylessClouds(): Promise<KeylessClouds> {
  const federation = new GoogleFederation(GOOGLE_PROJECT.id, GOOGLE_PROJECT.number);
  const gar = await startGoogleStandIn({ hostname: GOOGLE_HOST, federation });
  const azure = await startAzureStandIn({ registryName: "crosstenant", applications: [] });
  const quay = await startQuayStandIn({ robots: [], adminToken: QUAY_ADMIN_TOKEN });
  const googleImage = "acme-prod/images/app";
  await Promise.all([gar.push(googleImage, "1.0"), azure.push("acme/app", "1.0"), quay.push("acme/app", "1.0")]);
  Object.assign(process.env, {
    REGISTRY_ENDPOINT_OVERRIDES: `${GOOGLE_HOST}=${gar.url},${azure.hostname}=${azure.url},quay.io=${quay.url},${process.env.REGISTRY_ENDPOINT_OVERRIDES}`,
    AUTH_ENDPOINT_OVERRIDES: `sts.googleapis.com=${gar.url},iamcredentials.googleapis.com=${gar.url},login.microsoftonline.com=${azure.url}`,
  });
  resetEnvCache();
  let unique = 0;

  async function keylessRegistry(provider: KeylessCloud["provider"], hostname: string, vendor: Vendor, fields: FederationFields): Promise<string> {
    const input = ZCreateRegistryInput.parse({ provider, name: "", hostname, authType: "federated", ...fields, allApplications: true, applicationIds: [] });
    return (await createRegistry(vendor.team.id, vendor.actor, input)).id;
  }

  /** The commands the team's registry page shows (the same function, the same values). */
  async function shownCommands(provider: KeylessCloud["provider"], vendor: Vendor, hostname: string, fields: FederationFields, repository: string): Promise<string[]> {
    const { oidc } = await getRegistryOidcSetup(vendor.team.publicId);
    const guide = PROVIDERS[provider].federation!.setupGuide({ issuerUrl: oidc.issuerUrl, subject: oidc.subject, hostname, settings: fields, repository, localEndpoints: oidc.keylessLocalEndpoints ?? {} });
    return guide.steps.filter((step) => !step.title.startsWith("If Google cannot reach")).flatMap((step) => (step.command ? [step.command] : []));
  }

  const form = (fields: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  const answer = async (response: Response): Promise<CloudAnswer> => ({ status: response.status, body: await response.text() });

  const google: KeylessCloud = {
    provider: "google",
    label: "Google (workload identity federation)",
    hostname: GOOGLE_HOST,
    repository: googleImage,
    tag: "1.0",
    standIn: gar,
    async connect(vendor) {
      unique += 1;
      const fields = { projectNumber: GOOGLE_PROJECT.number, poolId: `tenant-pool-${unique}`, providerId: `tenant-oidc-${unique}`, serviceAccount: "" };
      // Local mode: the shown commands export gcloud's endpoint overrides, so they reach the stand-in and nothing else.
      await applyGcloudScript((await shownCommands("google", vendor, GOOGLE_HOST, fields, googleImage)).join("\n"));
      return { fields, registryId: await keylessRegistry("google", GOOGLE_HOST, vendor, fields) };
    },
    createRegistry: (vendor, fields) => keylessRegistry("google", GOOGLE_HOST, vendor, fields),
    audience: (fields) => PROVIDERS.google.federation!.audience({ hostname: GOOGLE_HOST, settings: fields }),
    present: async (token, fields) =>
      answer(
        await fetch(
          `${gar.url}/v1/token`,
          form({ grant_type: TOKEN_EXCHANGE_GRANT, audience: google.audience(fields), scope: CLOUD_PLATFORM_SCOPE, requested_token_type: ACCESS_TOKEN_TYPE, subject_token_type: JWT_TOKEN_TYPE, subject_token: token }),
        ),
      ),
    subjectRefusal: /"error":"unauthorized_client".*The given credential is rejected by the attribute condition\./,
    isDecisionPoint: (path) => path === "/v1/token",
  };

  const azureCloud: KeylessCloud & { standIn: AzureStandIn } = {
    provider: "azure",
    label: "Azure (federated identity credential)",
    hostname: azure.hostname,
    repository: "acme/app",
    tag: "1.0",
    standIn: azure,
    async connect(vendor) {
      const fields = { tenantId: AZURE_TENANT, clientId: randomUUID() };
      azure.applications.push({ tenantId: AZURE_TENANT, clientId: fields.clientId, secrets: [], acrPull: false, federatedCredentials: [] });
      applyAzScript((await shownCommands("azure", vendor, azure.hostname, fields, "acme/app")).join("\n"), azure);
      return { fields, registryId: await keylessRegistry("azure", azure.hostname, vendor, fields) };
    },
    createRegistry: (vendor, fields) => keylessRegistry("azure", azure.hostname, vendor, fields),
    audience: (fields) => PROVIDERS.azure.federation!.audience({ hostname: azure.hostname, settings: fields }),
    present: async (token, fields) =>
      answer(
        await fetch(
          `${azure.url}/${fields.tenantId}/oauth2/v2.0/token`,
          form({ grant_type: "client_credentials", client_id: fields.clientId!, scope: "https://containerregistry.azure.net/.default", client_assertion_type: JWT_BEARER, client_assertion: token }),
        ),
      ),
    subjectRefusal: /"error_codes":\[70021\]/,
    isDecisionPoint: (path) => /\/oauth2\/v2\.0\/token$/.test(path),
  };

  const quayCloud: KeylessCloud & { standIn: QuayStandIn } = {
    provider: "quay",
    label: "Quay (robot federation)",
    hostname: "quay.io",
    repository: "acme/app",
    tag: "1.0",
    standIn: quay,
    async connect(vendor) {
      unique += 1;
      const fields = { username: `acme+tenant${unique}` };
      for (const command of await shownCommands("quay", vendor, "quay.io", fields, "acme/app")) {
        if (!command.includes(quay.url)) throw new Error("local mode: the Quay commands must call the stand-in");
        await run("sh", ["-c", command], { env: { NODE_ENV: "test", PATH: process.env.PATH, QUAY_TOKEN: QUAY_ADMIN_TOKEN } });
      }
      return { fields, registryId: await keylessRegistry("quay", "quay.io", vendor, fields) };
    },
    createRegistry: (vendor, fields) => keylessRegistry("quay", "quay.io", vendor, fields),
    audience: () => PROVIDERS.quay.federation!.audience({ hostname: "quay.io", settings: {} }),
    present: async (token, fields) =>
      answer(await fetch(`${quay.url}/oauth2/federation/robot/token`, { headers: { authorization: `Basic ${Buffer.from(`${fields.username}:${token}`).toString("base64")}` } })),
    subjectRefusal: /"error":"Token does not match robot"/,
    isDecisionPoint: (path) => path === "/oauth2/federation/robot/token",
  };

  return {
    google,
    azure: azureCloud,
    quay: quayCloud,
    all: [google, azureCloud, quayCloud],
    async close() {
      await Promise.all([gar.close(), azure.close(), quay.close()]);
    },
  };
}
