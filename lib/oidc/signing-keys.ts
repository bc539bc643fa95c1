import "server-only";
// The issuer's signing keys in Postgres. Private keys are stored encrypted
// with the data-encryption key (associated data: the key's row ID) and are
// decrypted only in memory, only for the key that currently signs.
import { generateKeyPair, randomUUID, createPrivateKey, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { prisma } from "@/lib/db";
import { currentKey, planMaintenance, type KeyTimes, type LifecyclePolicy } from "@/lib/oidc/key-lifecycle";
import { SIGNING_ALGORITHM } from "@/lib/oidc/lifecycle-policy";

const generateRsaKeyPair = promisify(generateKeyPair);

// Every process that maintains keys takes this transaction-scoped lock first,
// so two portals starting at once end with one current key.
const SIGNING_KEY_LOCK = 7_210_431_001;

export interface PublishedKey extends KeyTimes {
  kid: string;
  algorithm: string;
  publicJwk: JWK;
  createdAt: Date;
}

export async function listSigningKeys(): Promise<PublishedKey[]> {
  const rows = await prisma.oidcSigningKey.findMany({ orderBy: { signsFrom: "asc" } });
  return rows.map((row) => ({ ...row, publicJwk: row.publicJwk as JWK }));
}

/**
 * Creates, retires and removes keys as the lifecycle requires at `now`.
 * Returns what changed (for logs and the admin page).
 */
export async function maintainSigningKeys(policy: LifecyclePolicy, now = new Date(), mode: "scheduled" | "rotate" | "emergency" = "scheduled") {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK})`;
      const keys = await tx.oidcSigningKey.findMany({ select: { id: true, publishedAt: true, signsFrom: true, signsUntil: true, publishedUntil: true } });
      const plan = planMaintenance(keys, now, policy, mode);
      if (plan.remove.length > 0) await tx.oidcSigningKey.deleteMany({ where: { id: { in: plan.remove } } });
      for (const retire of plan.retire) {
        await tx.oidcSigningKey.update({ where: { id: retire.id }, data: { signsUntil: retire.signsUntil, publishedUntil: retire.publishedUntil } });
      }
      let created: string | null = null;
      if (plan.create) {
        const key = await newSigningKey();
        await tx.oidcSigningKey.create({ data: { ...key, publishedAt: now, signsFrom: plan.create.signsFrom } });
        created = key.kid;
      }
      return { created, retired: plan.retire.map((r) => r.id), removed: plan.remove };
    },
    { timeout: 30_000 },
  );
}

async function newSigningKey() {
  const { publicKey, privateKey } = await generateRsaKeyPair("rsa", { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, "sha256");
  const id = randomUUID();
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return {
    id,
    kid,
    algorithm: SIGNING_ALGORITHM,
    publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, use: "sig", alg: SIGNING_ALGORITHM, kid },
    encryptedPrivateKey: getDataSecretBox().encrypt(pem, [id]),
  };
}

/** The key signing at `now`, with its private key decrypted in memory. */
export async function loadSigningKey(now: Date): Promise<{ kid: string; privateKey: KeyObject; signsUntil: Date | null } | null> {
  const keys = await prisma.oidcSigningKey.findMany({ select: { id: true, kid: true, publishedAt: true, signsFrom: true, signsUntil: true, publishedUntil: true } });
  const current = currentKey(keys, now);
  if (!current) return null;
  const row = await prisma.oidcSigningKey.findUniqueOrThrow({ where: { id: current.id }, omit: { encryptedPrivateKey: false } });
  const pem = getDataSecretBox().decrypt(row.encryptedPrivateKey, [row.id]);
  return { kid: current.kid, privateKey: createPrivateKey(pem), signsUntil: current.signsUntil };
}
