import { spawn } from "node:child_process";
import path from "node:path";
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { STS_AUDIENCE } from "@/lib/aws/trust-policy";
import { prisma } from "@/lib/db";
import { currentKey, keyState } from "@/lib/oidc/key-lifecycle";
import { getKeySnapshot, invalidateKeySnapshot } from "@/lib/oidc/key-cache";
import { getLifecyclePolicy } from "@/lib/oidc/lifecycle-policy";
import { listSigningKeys, maintainSigningKeys } from "@/lib/oidc/signing-keys";
import { mintStrangerToken } from "@/lib/oidc/web-identity-token";
import { useIsolatedDatabase } from "@/test/support/isolated-database";

const DAY = 24 * 3_600_000;

beforeAll(async () => {
  await useIsolatedDatabase("oidc_keys");
});

async function jwksAt(now: number): Promise<JSONWebKeySet> {
  invalidateKeySnapshot();
  return JSON.parse((await getKeySnapshot(now)).jwks.body) as JSONWebKeySet;
}

async function mintAt(now: number) {
  invalidateKeySnapshot();
  await getKeySnapshot(now);
  return mintStrangerToken("registry-test", STS_AUDIENCE, new Date(now));
}

describe("issuer signing keys (real Postgres)", () => {
  // Three tsx start-ups on a loaded machine take a while.
  it("two processes starting at once end with exactly one current key", { timeout: 120_000 }, async () => {
    const script = path.resolve(import.meta.dirname, "../../test/support/maintain-keys.ts");
    const run = () =>
      new Promise<number>((resolve) => {
        const child = spawn("npx", ["tsx", "--conditions=react-server", script], { env: process.env, stdio: "inherit" });
        child.on("exit", (code) => resolve(code ?? 1));
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    const keys = await listSigningKeys();
    expect(keys).toHaveLength(1);
    expect(keys.filter((key) => keyState(key, new Date()) === "current")).toHaveLength(1);
  });

  it("stores the private key encrypted, never in plain text", async () => {
    const row = await prisma.oidcSigningKey.findFirstOrThrow({ omit: { encryptedPrivateKey: false } });
    expect(row.encryptedPrivateKey).toMatch(/^v1:/);
    expect(row.encryptedPrivateKey).not.toContain("PRIVATE KEY");
    expect(row.publicJwk).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256", kid: row.kid });
    expect(row.publicJwk).not.toHaveProperty("d");
  });

  it("rotates: publish next, promote, retire, remove, with every token verifying until it expires", async () => {
    const policy = getLifecyclePolicy();
    const start = (await listSigningKeys())[0]!.signsFrom.getTime();
    const steps = [start + 1000, start + 29 * DAY, start + 30 * DAY + 1000, start + 30 * DAY + 2 * 3_600_000, start + 59 * DAY, start + 60 * DAY + 1000, start + 61 * DAY];
    const minted: { token: string; at: number }[] = [];
    for (const now of steps) {
      await maintainSigningKeys(policy, new Date(now));
      const jwks = await jwksAt(now);
      expect(jwks.keys.length).toBeLessThanOrEqual(100);
      expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
      const keys = await listSigningKeys();
      expect(keys.filter((key) => keyState(key, new Date(now)) === "current")).toHaveLength(1);
      // Tokens minted at earlier steps that have not expired still verify now.
      for (const earlier of minted.filter((m) => now - m.at < 5 * 60_000)) {
        await expect(jwtVerify(earlier.token, createLocalJWKSet(jwks), { currentDate: new Date(now) })).resolves.toBeTruthy();
      }
      const token = await mintAt(now);
      await expect(jwtVerify(token.token, createLocalJWKSet(jwks), { currentDate: new Date(now + 1000) })).resolves.toBeTruthy();
      // A token minted just before a change still verifies against the JWKS after it.
      minted.push({ token: token.token, at: now });
      const jwksLater = await jwksAt(now + 4 * 60_000);
      await expect(jwtVerify(token.token, createLocalJWKSet(jwksLater), { currentDate: new Date(now + 4 * 60_000) })).resolves.toBeTruthy();
    }
    const final = await listSigningKeys();
    expect(final.length).toBeLessThanOrEqual(3);
    expect(currentKey(final, new Date(start + 61 * DAY))).toBeDefined();
  });
});
