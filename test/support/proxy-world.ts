// Everything a pull-path test needs, real and on loopback: the portal's
// issuer, the local AWS (STS, ECR, the registry endpoint and its layer
// storage) with the vendor's OIDC provider, and the proxy's request handler
// on its own HTTP server, with the portal pointed at all of them; plus
// helpers that create a vendor team, application, registries and customers
// through the portal's own services.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApplication } from "@/lib/applications/service";
import { signUp } from "@/lib/auth/service";
import { ZCreateCustomerInput } from "@/lib/customers/schema";
import { createCustomer } from "@/lib/customers/service";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { handleProxyRequest } from "@/lib/proxy/handler";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import { startTestIssuer, type TestIssuer } from "@/test/support/issuer-server";
import { startLocalAws, type LocalAws } from "@/tools/local-aws/local-aws";
import { trustPolicyJson, VendorAws } from "@/e2e/support/vendor-aws";

export const REGION = "us-east-1";
export const ACCOUNT = { accountId: "777777777777", accessKeyId: "AKIAPROXYTESTACCOUNT", secretAccessKey: "proxyTestSecretKey0000000000000000000007" };

export interface ProxyWorld {
  aws: LocalAws;
  issuer: TestIssuer;
  vendor: VendorAws;
  /** http://127.0.0.1:<port> of the proxy. */
  proxyUrl: string;
  proxyHost: string;
  hostname: string;
  close(): Promise<void>;
}

export async function startProxyWorld(): Promise<ProxyWorld> {
  const issuer = await startTestIssuer();
  const aws = await startLocalAws({ port: 0, accounts: [ACCOUNT], jwksCacheSeconds: 0 });
  const vendor = new VendorAws(aws.url, ACCOUNT);
  await vendor.createProvider(issuer.url);
  const server = http.createServer((request, response) => {
    if (!handleProxyRequest(request, response)) response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_ECR: aws.url,
    REGISTRY_ENDPOINT_OVERRIDES: `*=${aws.url}/_registry/{hostname}`,
    // Layer storage answers on the other loopback name, as S3 is another host.
    PROXY_ALLOWED_REDIRECT_ORIGINS: `http://localhost:${aws.port}`,
    PROXY_URL: proxyUrl,
  });
  resetEnvCache();
  return {
    aws,
    issuer,
    vendor,
    proxyUrl,
    proxyHost: new URL(proxyUrl).host,
    hostname: aws.registryHostname(ACCOUNT.accountId, REGION),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await aws.close();
      await issuer.close();
    },
  };
}

let counter = 0;

export async function newVendorTeam() {
  const n = ++counter;
  const email = `proxy-${process.pid}-${n}@example.com`;
  const { userId, teamId } = await signUp({ name: "Vendor", email, password: "a long enough passphrase", teamName: `Proxy vendor ${n}` });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
  const actor = { userId, email };
  const application = await createApplication(team.id, actor, { name: `App ${n}` });
  return { team, actor, application };
}

type Vendor = Awaited<ReturnType<typeof newVendorTeam>>;

/** An IAM registry whose role trusts the team (or everyone, with sub: null), tested so the negative check is recorded. */
export async function iamRegistry(world: ProxyWorld, vendor: Vendor, options: { sub?: string | null; applicationIds?: string[]; test?: boolean } = {}) {
  const roleName = `ProxyRole${process.pid}x${++counter}`;
  const sub = options.sub === undefined ? vendor.team.publicId : options.sub;
  const roleArn = await world.vendor.createRole(roleName, trustPolicyJson({ accountId: ACCOUNT.accountId, issuerUrl: world.issuer.url, sub }));
  const registry = await createRegistry(
    vendor.team.id,
    vendor.actor,
    ZCreateRegistryInput.parse({
      provider: "ecr",
      name: "",
      hostname: world.hostname,
      authType: "iam_role",
      accessKeyId: "",
      secretAccessKey: "",
      roleArn,
      allApplications: !options.applicationIds,
      applicationIds: options.applicationIds ?? [],
    }),
  );
  const test = options.test === false ? null : (await testRegistry(vendor.team, vendor.actor, registry.id, {})).result;
  return { registry, roleName, roleArn, test };
}

export async function accessKeyRegistry(world: ProxyWorld, vendor: Vendor) {
  const key = await world.vendor.createUserWithKey(`proxy-user-${process.pid}-${++counter}`);
  return createRegistry(
    vendor.team.id,
    vendor.actor,
    ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname: world.hostname, authType: "access_key", accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, roleArn: "", allApplications: true, applicationIds: [] }),
  );
}

export async function newCustomer(vendor: Vendor, options: { email?: string; applicationId?: string } = {}) {
  const input = ZCreateCustomerInput.parse({ applicationId: options.applicationId ?? vendor.application.id, name: `Customer ${++counter}`, email: options.email ?? "", expiresOn: "" });
  return createCustomer(vendor.team.id, vendor.actor, input);
}

export function basic(username: string, password = username): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}

/** The proxied name of an upstream repository for the vendor's application. */
export function proxyName(world: ProxyWorld, appSlug: string, repository: string): string {
  return `proxy/${appSlug}/${world.hostname}/${repository}`;
}
