// Quay, keyless: the curl commands the registry page shows, run as shown
// against the Quay stand-in's API (robot, Read permission, robot
// federation), then the Test (Quay's federation endpoint checks the
// portal's token against the issuer's live discovery document and JWKS, the
// issuer and the subject), its diagnoses in Quay's words, the negative
// check, and skopeo pulling through the proxy with a license.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { clearRegistryCache } from "@/lib/proxy/auth";
import { clearUpstreamLogins } from "@/lib/proxy/upstream-credentials";
import { getRegistryOidcSetup } from "@/lib/registries/oidc-setup";
import { PROVIDERS } from "@/lib/registries/providers";
import { ZCreateRegistryInput } from "@/lib/registries/schema";
import { createRegistry } from "@/lib/registries/service";
import { testRegistry } from "@/lib/registry-test/service";
import type { RegistryTestResult } from "@/lib/registry-test/steps";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { newCustomer, newVendorTeam, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";
import type { PushedImage } from "@/tools/reference-registry/push-image";
import { startQuayStandIn, type QuayStandIn } from "@/tools/registry-standins";

const run = promisify(execFile);
const ADMIN_TOKEN = "quay-admin-oauth-token-0001";

let world: ProxyWorld;
let quay: QuayStandIn;
let pushed: PushedImage;
let home: string;
let robots = 0;

beforeAll(async () => {
  await useIsolatedDatabase("keyless_quay");
  world = await startProxyWorld();
  quay = await startQuayStandIn({ robots: [], adminToken: ADMIN_TOKEN });
  pushed = await quay.push("acme/app", "1.0", { layers: 2 });
  Object.assign(process.env, { REGISTRY_ENDPOINT_OVERRIDES: `quay.io=${quay.url},${process.env.REGISTRY_ENDPOINT_OVERRIDES}` });
  resetEnvCache();
  clearUpstreamLogins();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "keyless-quay-skopeo-"));
});

afterAll(async () => {
  await world?.close();
  await quay?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

function skopeo(args: string[]) {
  return run("skopeo", args, { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home }, maxBuffer: 16 * 1024 * 1024 });
}

async function keylessVendor() {
  const vendor = await newVendorTeam();
  const robot = `acme+portal${++robots}`;
  const registry = await createRegistry(vendor.team.id, vendor.actor, ZCreateRegistryInput.parse({ provider: "quay", name: "", hostname: "quay.io", authType: "federated", username: robot, allApplications: true, applicationIds: [] }));
  return { vendor, robot, registry };
}

/** The commands as the registry page shows them (the same function, the same values). */
async function shownCommands(vendor: Awaited<ReturnType<typeof keylessVendor>>["vendor"], robot: string): Promise<string[]> {
  const { oidc } = await getRegistryOidcSetup(vendor.team.publicId);
  const guide = PROVIDERS.quay.federation!.setupGuide({ issuerUrl: oidc.issuerUrl, subject: oidc.subject, hostname: "quay.io", settings: { username: robot }, repository: "acme/app", localEndpoints: oidc.keylessLocalEndpoints ?? {} });
  return guide.steps.flatMap((step) => (step.command ? [step.command] : []));
}

/** Runs the commands exactly as shown, with sh and curl, as a vendor pasting them would. */
async function runCommands(commands: string[]): Promise<void> {
  for (const command of commands) {
    expect(command, "local mode: the commands call the stand-in").toContain(quay.url);
    await run("sh", ["-c", command], { env: { NODE_ENV: "test", PATH: process.env.PATH, QUAY_TOKEN: ADMIN_TOKEN } });
  }
}

function step(result: RegistryTestResult, id: string) {
  return result.steps.find((candidate) => candidate.id === id)!;
}

describe("Quay keyless (robot federation)", () => {
  it("follows the page's commands to a green Test with no secret stored, then customers pull through the proxy", async () => {
    const { vendor, robot, registry } = await keylessVendor();
    await runCommands(await shownCommands(vendor, robot));
    expect(quay.robots.find((candidate) => candidate.name === robot)).toMatchObject({ federation: [{ issuer: world.issuer.url, subject: vendor.team.publicId }], access: [{ repository: "acme/app", actions: ["pull"] }] });

    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(result.verdict, JSON.stringify(result.steps)).toBe("verified");
    expect(step(result, "credential-exchange")).toMatchObject({ status: "passed", requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(step(result, "negative-check")).toMatchObject({ status: "passed", detail: expect.stringContaining("Token does not match robot") });
    const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registry.id }, select: { encryptedCredentials: true, negativeCheckTarget: true } });
    expect(stored).toEqual({ encryptedCredentials: null, negativeCheckTarget: `quay:quay.io/${robot}` });

    const { licenseId } = await newCustomer(vendor);
    const target = path.join(home, "copied");
    await skopeo(["copy", "--src-tls-verify=false", "--src-creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/quay.io/acme/app:1.0`, `dir:${target}`]);
    expect(fs.readFileSync(path.join(target, "manifest.json"), "utf8")).toBe(pushed.manifest);
    for (const digest of [pushed.configDigest!, ...pushed.layerDigests]) {
      expect(`sha256:${createHash("sha256").update(fs.readFileSync(path.join(target, digest.slice("sha256:".length)))).digest("hex")}`).toBe(digest);
    }
  });

  it("is refused by the proxy (DENIED) until a Test has seen Quay refuse a stranger, even when the federation works", async () => {
    const { vendor, robot, registry } = await keylessVendor();
    await runCommands(await shownCommands(vendor, robot));
    const { licenseId } = await newCustomer(vendor);
    const inspect = () =>
      skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/quay.io/acme/app:1.0`]).then(
        (result) => ({ ok: true, output: result.stdout }),
        (error: { stderr?: string }) => ({ ok: false, output: error.stderr ?? "" }),
      );
    const before = await inspect();
    expect(before.ok).toBe(false);
    expect(before.output).toMatch(/keyless federation has not passed the portal's safety check/);
    expect((await testRegistry(vendor.team, vendor.actor, registry.id, {})).result.verdict).toBe("verified");
    // The proxy re-reads a registry after at most 2 s; the test does not wait for that.
    clearRegistryCache();
    const after = await inspect();
    expect(after.ok, after.output).toBe(true);
    expect(JSON.parse(after.output).Digest).toBe(pushed.digest);
  });

  it("says the robot's federation names another subject, with Quay's words", async () => {
    const { vendor, robot, registry } = await keylessVendor();
    await runCommands((await shownCommands(vendor, robot)).map((command) => command.replace(`"subject":"${vendor.team.publicId}"`, '"subject":"another-team"')));
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    const exchange = step(result, "credential-exchange");
    expect(exchange.diagnosis!.summary).toBe(`The robot's federation does not name your team's subject ${vendor.team.publicId} (Quay: "Token does not match robot").`);
    expect(exchange.diagnosis!.awsCode).toBe("Token does not match robot");
  });

  it("says the robot has no federation when that step was skipped", async () => {
    const { vendor, robot, registry } = await keylessVendor();
    await runCommands((await shownCommands(vendor, robot)).filter((command) => !command.includes("/federation")));
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(step(result, "credential-exchange").diagnosis!.summary).toMatch(/has no federation configured \(Quay: "Robot does not have federated login configured"\)/);
  });

  it("says the robot may not pull without Read on the repository", async () => {
    const { vendor, robot, registry } = await keylessVendor();
    await runCommands((await shownCommands(vendor, robot)).filter((command) => !command.includes("/permissions/")));
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(result.verdict).toBe("failing");
    expect(step(result, "negative-check").status).toBe("passed");
    expect(step(result, "registry-token").diagnosis!.summary).toBe(PROVIDERS.quay.terms.noPullPermission("acme/app").summary);
  });

  it("reports a federation trusting any subject unsafe, and the proxy refuses the registry", async () => {
    const { vendor, robot, registry } = await keylessVendor();
    await runCommands(await shownCommands(vendor, robot));
    quay.robots.find((candidate) => candidate.name === robot)!.federation!.push({ issuer: world.issuer.url, subject: "*", anySubject: true });
    const { result } = await testRegistry(vendor.team, vendor.actor, registry.id, { image: "acme/app:1.0" });
    expect(result.verdict).toBe("unsafe");
    expect(step(result, "negative-check").diagnosis!.summary).toMatch(new RegExp(`^Unsafe: Quay gave a robot token for \\S+, which is not your team, so any team of this portal could pull as ${robot.replace("+", "\\+")}\\.$`));
    expect(step(result, "manifest").status).toBe("skipped");
    expect(await prisma.registry.findUniqueOrThrow({ where: { id: registry.id }, select: { testStatus: true, negativeCheckPassedAt: true } })).toEqual({ testStatus: "unsafe", negativeCheckPassedAt: null });

    const { licenseId } = await newCustomer(vendor);
    const refused = await skopeo(["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, `docker://${world.proxyHost}/proxy/${vendor.application.slug}/quay.io/acme/app:1.0`]).then(
      () => null,
      (error: { stderr?: string }) => error.stderr ?? "",
    );
    expect(refused).toMatch(/denied/i);
    expect(refused).toMatch(/keyless federation has not passed the portal's safety check/);
  });
});
