// What the benchmarks (bench:proxy, bench:airgap) share: starting a child
// process and waiting for its ready line, the local AWS's control API, and a
// license's proxy token. Every subject and reference runs in a process of its
// own, never inside the load generator.
import { spawn, type ChildProcess } from "node:child_process";

export interface BenchChildren {
  root: string;
  env: Record<string, string>;
  children: ChildProcess[];
}

/** Starts `node --import tsx <args>` and resolves with the match of `ready` in its output; later log lines go to stderr. */
export function startChild(bench: BenchChildren, label: string, args: string[], ready: RegExp, extraEnv: Record<string, string> = {}): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { cwd: bench.root, env: { ...process.env, ...bench.env, ...extraEnv }, stdio: ["ignore", "pipe", "inherit"] });
  bench.children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const match = ready.exec(output);
      if (match) {
        resolve(match);
        // From now on the child's log lines (pino JSON: warnings and errors only) go to stderr.
        child.stdout!.removeAllListeners("data");
        child.stdout!.on("data", (more: Buffer) => {
          for (const line of more.toString("utf8").split("\n")) if (line.startsWith("{")) process.stderr.write(`${label}: ${line}\n`);
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`${label} exited with ${code} before it was ready:\n${output}`)));
  });
}

/** A call to the local AWS's control API (synthetic images, call counts). */
export async function localAwsControl<T>(awsUrl: string, pathname: string, body: object): Promise<T> {
  const response = await fetch(`${awsUrl}${pathname}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`local AWS ${pathname}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A proxy token for a license and the given repositories, from the portal at `portalUrl`. */
export async function proxyToken(portalUrl: string, licenseId: string, names: string[]): Promise<string> {
  const scopes = names.map((name) => `scope=${encodeURIComponent(`repository:${name}:pull`)}`).join("&");
  const response = await fetch(`${portalUrl}/v2/token?service=${new URL(portalUrl).host}&${scopes}`, { headers: { authorization: `Basic ${Buffer.from(`${licenseId}:${licenseId}`).toString("base64")}` } });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/**
 * The vendor's side of a pull benchmark, through the portal's own services:
 * the OIDC provider and a role in the local AWS, an IAM registry that passed
 * its Test, and a customer with a license. Imported late: the caller sets the
 * environment (DATABASE_URL, endpoints) first.
 */
export async function setUpBenchVendor(input: { awsUrl: string; account: { accountId: string; accessKeyId: string; secretAccessKey: string }; region: string; portalUrl: string; roleName: string }) {
  const { VendorAws, trustPolicyJson } = await import("@/e2e/support/vendor-aws");
  const { signUp } = await import("@/lib/auth/service");
  const { prisma } = await import("@/lib/db");
  const { createApplication } = await import("@/lib/applications/service");
  const { ZCreateRegistryInput } = await import("@/lib/registries/schema");
  const { createRegistry } = await import("@/lib/registries/service");
  const { testRegistry } = await import("@/lib/registry-test/service");
  const { ZCreateCustomerInput } = await import("@/lib/customers/schema");
  const { createCustomer } = await import("@/lib/customers/service");
  const issuerUrl = `${input.portalUrl}/oidc`;
  const vendor = new VendorAws(input.awsUrl, input.account);
  await vendor.createProvider(issuerUrl);
  const { userId, teamId } = await signUp({ name: "Bench", email: "bench@example.com", password: "a long enough passphrase", teamName: "Bench" });
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId }, select: { id: true, publicId: true } });
  const actor = { userId, email: "bench@example.com" };
  const application = await createApplication(team.id, actor, { name: "Bench" });
  const hostname = `${input.account.accountId}.dkr.ecr.${input.region}.amazonaws.com`;
  const roleArn = await vendor.createRole(input.roleName, trustPolicyJson({ accountId: input.account.accountId, issuerUrl, sub: team.publicId }));
  const registry = await createRegistry(team.id, actor, ZCreateRegistryInput.parse({ provider: "ecr", name: "", hostname, authType: "iam_role", accessKeyId: "", secretAccessKey: "", roleArn, allApplications: true, applicationIds: [] }));
  for (const document of ["/oidc/.well-known/openid-configuration", "/oidc/jwks"]) await (await fetch(`${input.portalUrl}${document}`)).arrayBuffer();
  const tested = await testRegistry(team, actor, registry.id, {});
  if (tested.result.verdict !== "verified") throw new Error(`benchmark setup is wrong: ${tested.result.headline}`);
  const { customer, licenseId } = await createCustomer(team.id, actor, ZCreateCustomerInput.parse({ applicationId: application.id, name: "Bench customer", email: "", expiresOn: "" }));
  return { prisma, vendor, hostname, customer, licenseId, proxyName: (repository: string) => `proxy/${application.slug}/${hostname}/${repository}` };
}
