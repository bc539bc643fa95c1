import "server-only";
// The issuer's signing keys in Postgres. Private keys are stored encrypted
// with the data-encryption key (associated data: the key's row ID) and are
// decrypted only in memory, only for the key that signs and the next one.
import { generateKeyPair, randomUUID, createPrivateKey, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";
import { getDataSecretBox } from "@/lib/crypto/data-secret-box";
import { prisma } from "@/lib/db";
import { KEY_CHANGE_CHANNEL, type KeyChangeAnnouncement } from "@/lib/oidc/key-change-channel";
import { logKeyEvents, recordKeyEvents, type KeyEventInput } from "@/lib/oidc/key-events";
import { currentKey, planMaintenance, type KeyTimes, type LifecyclePolicy, type MaintenanceMode } from "@/lib/oidc/key-lifecycle";
import { JWKS_MAX_AGE_SECONDS, SIGNING_ALGORITHM } from "@/lib/oidc/lifecycle-policy";

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

export interface MaintenanceOptions {
  /** `next-now`: how long the new key is published before it signs. */
  overlapMs?: number;
  /** Why, for the key history and the log (defaults to a description of the mode). */
  reason?: string;
  /** The announcement's ID, so the caller can match acknowledgements to it. */
  announcementId?: string;
}

export interface MaintenanceResult {
  created: string | null;
  events: KeyEventInput[];
  /** Whether running portal processes were told (something changed). */
  announced: KeyChangeAnnouncement | null;
}

const DEFAULT_REASON: Record<MaintenanceMode, string> = {
  scheduled: "scheduled rotation",
  rotate: "manual rotation",
  "next-now": "suspected leak: new key signs after a short overlap",
  emergency: "emergency: key replaced and unpublished at once",
};

/**
 * Creates, retires and removes keys as the lifecycle requires at `now`,
 * records each change in the key history and announces it to every portal
 * process (NOTIFY, delivered when the transaction commits).
 */
export async function maintainSigningKeys(policy: LifecyclePolicy, requestedAt = new Date(), mode: MaintenanceMode = "scheduled", options: MaintenanceOptions = {}): Promise<MaintenanceResult> {
  const reason = options.reason ?? DEFAULT_REASON[mode];
  const result = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK})`;
      const select = { id: true, kid: true, publishedAt: true, signsFrom: true, signsUntil: true, publishedUntil: true } as const;
      const keys = await tx.oidcSigningKey.findMany({ select });
      // Another process may have changed the keys while this one waited for the
      // lock: never plan at a time before that change, or a key it created
      // would still look unpublished and a second one would be made.
      const now = new Date(Math.max(requestedAt.getTime(), ...keys.map((key) => key.publishedAt.getTime())));
      const kidOf = new Map(keys.map((key) => [key.id, key.kid]));
      const plan = planMaintenance(keys, now, policy, mode, { overlapMs: options.overlapMs });
      const events: KeyEventInput[] = [];

      if (plan.remove.length > 0) {
        await tx.oidcSigningKey.deleteMany({ where: { id: { in: plan.remove } } });
        for (const id of plan.remove) events.push({ kid: kidOf.get(id)!, action: "removed", reason: "its published-until time passed" });
      }
      for (const retire of plan.retire) {
        await tx.oidcSigningKey.update({ where: { id: retire.id }, data: { signsUntil: retire.signsUntil, publishedUntil: retire.publishedUntil } });
        events.push({
          kid: kidOf.get(retire.id)!,
          action: retire.replaced ? "emergency_replaced" : "retired",
          reason,
          details: {
            signsUntil: retire.signsUntil.toISOString(),
            publishedUntil: retire.publishedUntil.toISOString(),
            // Until then a cache that honoured the JWKS max-age may still hold the old key set.
            ...(retire.replaced ? { cachesExpireBy: new Date(now.getTime() + JWKS_MAX_AGE_SECONDS * 1000).toISOString() } : {}),
          },
        });
      }
      let created: string | null = null;
      const createdReason = keys.length === 0 ? "first signing key of this issuer" : reason;
      if (plan.create) {
        const key = await newSigningKey();
        await tx.oidcSigningKey.create({ data: { ...key, publishedAt: now, signsFrom: plan.create.signsFrom } });
        created = key.kid;
        events.push({ kid: key.kid, action: "created", reason: createdReason, details: { signsFrom: plan.create.signsFrom.toISOString() } });
      }

      // A key starts signing at its signs-from time without any write; the
      // first maintenance after that instant records it once.
      const signing = currentKey(events.length > 0 ? await tx.oidcSigningKey.findMany({ select }) : keys, now);
      if (signing && !(await tx.oidcKeyEvent.findFirst({ where: { kid: signing.kid, action: "promoted" }, select: { id: true } }))) {
        events.push({ kid: signing.kid, action: "promoted", reason: signing.kid === created ? createdReason : "its signs-from time arrived", details: { signsFrom: signing.signsFrom.toISOString() } });
      }

      await recordKeyEvents(tx, events, now);
      let announced: KeyChangeAnnouncement | null = null;
      if (events.length > 0) {
        announced = { id: options.announcementId ?? randomUUID(), mode };
        await tx.$executeRaw`SELECT pg_notify(${KEY_CHANGE_CHANNEL}, ${JSON.stringify(announced)})`;
      }
      return { created, events, announced };
    },
    { timeout: 30_000 },
  );
  logKeyEvents(result.events);
  return result;
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

/** One key's private key, decrypted in memory (only for the key that signs). */
export async function loadPrivateKey(id: string): Promise<KeyObject> {
  const row = await prisma.oidcSigningKey.findUniqueOrThrow({ where: { id }, omit: { encryptedPrivateKey: false } });
  return createPrivateKey(getDataSecretBox().decrypt(row.encryptedPrivateKey, [row.id]));
}
