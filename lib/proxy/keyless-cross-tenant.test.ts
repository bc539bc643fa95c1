// Keyless, across tenants, for each of Google, Azure and Quay: team A's
// registry is federated to team A's subject exactly as its page says; team B
// is another team of the same portal. A token the portal really signs for
// team B (its real subject, the real signing key, the cloud's audience) is
// refused where the cloud decides, over real HTTP; and team B reaches none of
// team A's images through the proxy, by any path: its license on team A's
// application, team A's registry host under its own application, or a
// registry of its own naming team A's federation (refused by the cloud even
// with the portal's own safety gate held open).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";
import { mintWebIdentityToken } from "@/lib/oidc/web-identity-token";
import { clearRegistryCache } from "@/lib/proxy/auth";
import { clearUpstreamLogins } from "@/lib/proxy/upstream-credentials";
import { negativeCheckTargetOf } from "@/lib/registries/negative-check-target";
import { parseRegistrySettings } from "@/lib/registries/settings";
import { testRegistry } from "@/lib/registry-test/service";
import { startKeylessClouds, type KeylessClouds, type KeylessCloud } from "@/test/support/keyless-clouds";
import { useIsolatedDatabase } from "@/test/support/isolated-database";
import { newCustomer, newVendorTeam, startProxyWorld, type ProxyWorld } from "@/test/support/proxy-world";

const run = promisify(execFile);

let world: ProxyWorld;
let clouds: KeylessClouds;
let home: string;

beforeAll(async () => {
  await useIsolatedDatabase("keyless_cross_tenant");
  world = await startProxyWorld();
  clouds = await startKeylessClouds();
  clearUpstreamLogins();
  home = fs.mkdtempSync(path.join(os.tmpdir(), "keyless-cross-tenant-"));
});

afterAll(async () => {
  await clouds?.close();
  await world?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** skopeo inspect through the proxy with a license: the manifest's digest, or skopeo's error. */
async function inspect(licenseId: string, appSlug: string, cloud: KeylessCloud): Promise<{ ok: true; digest: string } | { ok: false; error: string }> {
  const reference = `docker://${world.proxyHost}/proxy/${appSlug}/${cloud.hostname}/${cloud.repository}:${cloud.tag}`;
  return run("skopeo", ["inspect", "--tls-verify=false", "--no-tags", "--creds", `${licenseId}:${licenseId}`, reference], { env: { NODE_ENV: "test", PATH: process.env.PATH, HOME: home } }).then(
    (result) => ({ ok: true as const, digest: (JSON.parse(result.stdout) as { Digest: string }).Digest }),
    (error: { stderr?: string }) => ({ ok: false as const, error: error.stderr ?? "" }),
  );
}

/** Manifests the cloud's registry served while `action` ran. */
async function manifestsServedDuring(cloud: KeylessCloud, action: () => Promise<unknown>): Promise<number> {
  const before = cloud.standIn.requests.length;
  await action();
  return cloud.standIn.requests.slice(before).filter((request) => /\/manifests\//.test(request.path) && request.status === 200).length;
}

const cloudsByName = () => clouds.all;

describe.each(["google", "azure", "quay"] as const)("keyless across tenants: %s", (name) => {
  const cloud = () => cloudsByName().find((candidate) => candidate.provider === name)!;

  it("refuses, where the cloud decides, a token the portal signs for another team; and that team reaches none of the first team's images through the proxy", async () => {
    const teamA = await newVendorTeam();
    const teamB = await newVendorTeam();
    const connected = await cloud().connect(teamA);
    const testA = await testRegistry(teamA.team, teamA.actor, connected.registryId, { image: `${cloud().repository}:${cloud().tag}` });
    expect(testA.result.verdict, JSON.stringify(testA.result.steps)).toBe("verified");
    const customerA = await newCustomer(teamA);
    const pulledByA = await inspect(customerA.licenseId, teamA.application.slug, cloud());
    expect(pulledByA.ok, JSON.stringify(pulledByA)).toBe(true);

    // 1. The cloud itself: team A's real token is accepted, team B's real token (same issuer, same key, same audience) refused.
    const audience = cloud().audience(connected.fields);
    const tokenA = await mintWebIdentityToken({ teamId: teamA.team.id, purpose: "registry-test", audience });
    const tokenB = await mintWebIdentityToken({ teamId: teamB.team.id, purpose: "registry-test", audience });
    expect(tokenB.claims).toMatchObject({ iss: tokenA.claims.iss, sub: teamB.team.publicId, aud: audience });
    expect(tokenB.kid).toBe(tokenA.kid);
    expect((await cloud().present(tokenA.token, connected.fields)).status).toBe(200);
    const refused = await cloud().present(tokenB.token, connected.fields);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body).toMatch(cloud().subjectRefusal);

    // 2. Team B's license on team A's application, with team A's registry host.
    const customerB = await newCustomer(teamB);
    const onA = await inspect(customerB.licenseId, teamA.application.slug, cloud());
    expect(onA.ok).toBe(false);
    // 3. Team A's registry host under team B's own application (team B has no registry there).
    const served = await manifestsServedDuring(cloud(), async () => {
      const underB = await inspect(customerB.licenseId, teamB.application.slug, cloud());
      expect(underB.ok).toBe(false);
    });
    expect(served).toBe(0);

    // 4. Team B's own keyless registry naming team A's federation: its Test fails at the cloud with the cloud's refusal…
    const registryB = await cloud().createRegistry(teamB, connected.fields);
    const testB = await testRegistry(teamB.team, teamB.actor, registryB, { image: `${cloud().repository}:${cloud().tag}` });
    expect(testB.result.verdict).not.toBe("verified");
    const exchange = testB.result.steps.find((step) => step.id === "credential-exchange")!;
    expect(exchange.status).toBe("failed");
    // …and even with the portal's safety gate held open for it, the proxy gets nothing: the cloud refuses team B's subject.
    const stored = await prisma.registry.findUniqueOrThrow({ where: { id: registryB } });
    const target = negativeCheckTargetOf({ ...stored, settings: parseRegistrySettings(stored.settings) });
    await prisma.registry.update({ where: { id: registryB }, data: { negativeCheckTarget: target, negativeCheckPassedAt: new Date(), testStatus: "verified" } });
    clearRegistryCache();
    clearUpstreamLogins();
    const decisionsBefore = cloud().standIn.requests.filter((request) => cloud().isDecisionPoint(request.path)).length;
    const servedToB = await manifestsServedDuring(cloud(), async () => {
      const throughOwnRegistry = await inspect(customerB.licenseId, teamB.application.slug, cloud());
      expect(throughOwnRegistry.ok).toBe(false);
    });
    expect(servedToB).toBe(0);
    const decisions = cloud().standIn.requests.filter((request) => cloud().isDecisionPoint(request.path)).slice(decisionsBefore);
    expect(decisions.length, "the proxy asked the cloud").toBeGreaterThan(0);
    expect(decisions.every((request) => request.status >= 400)).toBe(true);
  });
});
