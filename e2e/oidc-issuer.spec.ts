// The portal as an OpenID Connect identity provider, checked over real HTTP
// against the running portal with independent libraries: openid-client for
// discovery and jose's remote JWKS for token verification.
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader, SignJWT, generateKeyPair } from "jose";
import * as oidcClient from "openid-client";
import { expect, test } from "@playwright/test";
import { readE2eEnvironment, applyServerEnvironment } from "./support/environment";
import { createVendor } from "./support/fixtures";

const environment = readE2eEnvironment();
const issuer = environment.issuerUrl;

async function mintForNewTeam() {
  applyServerEnvironment();
  const vendor = await createVendor("oidc");
  const { mintWebIdentityToken } = await import("@/lib/oidc/web-identity-token");
  const { prisma } = await import("@/lib/db");
  const team = await prisma.team.findUniqueOrThrow({ where: { id: vendor.teamId } });
  return { minted: await mintWebIdentityToken({ teamId: vendor.teamId, purpose: "issuer-check", audience: "sts.amazonaws.com" }), publicId: team.publicId };
}

test.describe("OpenID Connect issuer", () => {
  test("discovery with openid-client succeeds and names the same issuer string", async () => {
    const config = await oidcClient.discovery(new URL(issuer), "sts.amazonaws.com", undefined, undefined, { execute: [oidcClient.allowInsecureRequests] });
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.jwks_uri).toBe(`${issuer}/jwks`);
    expect(metadata.response_types_supported).toEqual(["id_token"]);
    expect(metadata.subject_types_supported).toEqual(["public"]);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(["RS256"]);
    expect(metadata.claims_supported).toEqual(expect.arrayContaining(["iss", "sub", "aud", "exp"]));
  });

  test("publishes RSA signing keys with use, alg and an RFC 7638 kid, and no private parts", async ({ request }) => {
    const response = await request.get(`${issuer}/jwks`);
    expect(response.status()).toBe(200);
    const { keys } = (await response.json()) as { keys: Record<string, string>[] };
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys.length).toBeLessThanOrEqual(100);
    const { calculateJwkThumbprint } = await import("jose");
    for (const key of keys) {
      expect(key).toMatchObject({ kty: "RSA", use: "sig", alg: "RS256" });
      expect(key.kid).toBe(await calculateJwkThumbprint(key, "sha256"));
      for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(key).not.toHaveProperty(secret);
    }
  });

  test("a minted token verifies with jose's remote JWKS and carries the documented claims", async () => {
    const { minted, publicId } = await mintForNewTeam();
    const { payload, protectedHeader } = await jwtVerify(minted.token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: "sts.amazonaws.com" });
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT", kid: minted.kid });
    expect(payload.sub).toBe(publicId);
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.iat! - payload.nbf!).toBeGreaterThan(0);
    expect(payload.iat! - payload.nbf!).toBeLessThanOrEqual(10);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("a tampered signature, an unknown kid, a foreign key and an expired token fail", async () => {
    const { minted } = await mintForNewTeam();
    const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    const [header, payload, signature] = minted.token.split(".") as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    await expect(jwtVerify(`${header}.${payload}.${flipped}`, jwks)).rejects.toThrow(/signature/);

    const foreign = await generateKeyPair("RS256");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    const wrongKid = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "not-a-published-kid" }).sign(foreign.privateKey);
    await expect(jwtVerify(wrongKid, jwks)).rejects.toThrow(/no applicable key/i);
    const sameKidForeignKey = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: decodeProtectedHeader(minted.token).kid! }).sign(foreign.privateKey);
    await expect(jwtVerify(sameKidForeignKey, jwks)).rejects.toThrow(/signature/);

    await expect(jwtVerify(minted.token, jwks, { currentDate: new Date((claims.exp + 60) * 1000) })).rejects.toThrow(/exp/);
  });

  test("caches publicly for at most 5 minutes and never past the next key change, with an ETag and 304 on a match", async ({ request }) => {
    for (const url of [`${issuer}/.well-known/openid-configuration`, `${issuer}/jwks`]) {
      const first = await request.get(url);
      const cacheControl = first.headers()["cache-control"]!;
      expect(cacheControl).toMatch(/^public, max-age=\d+$/);
      expect(cacheControl).not.toMatch(/no-cache|no-store/);
      // Short enough that an emergency rotation reaches caches (AWS included) within minutes.
      expect(Number(cacheControl.split("=")[1])).toBeLessThanOrEqual(300);
      expect(Number(cacheControl.split("=")[1])).toBeGreaterThan(0);
      const etag = first.headers()["etag"]!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const second = await request.get(url, { headers: { "If-None-Match": etag } });
      expect(second.status()).toBe(304);
      expect(second.headers()["cache-control"]).toBe(cacheControl);
      expect(await second.body()).toHaveLength(0);
      const other = await request.get(url, { headers: { "If-None-Match": '"something-else"' } });
      expect(other.status()).toBe(200);
    }
  });

  test("offers no endpoint that hands out a token", async ({ request }) => {
    for (const path of ["/oidc/token", "/oidc/authorize", "/api/oidc/token", "/oidc/mint"]) {
      expect((await request.post(path)).status()).toBeGreaterThanOrEqual(400);
    }
  });
});
