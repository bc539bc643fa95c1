import "server-only";
// The sha256 of a whole air-gap archive, offered once it is known: a full
// download (byte 0 to the end) is hashed as it streams, and when its last
// byte has gone out with every blob verified the digest is stored under the
// plan's key (the hash of everything that decides the bytes, plan.ts). Later
// responses for the same plan announce it in a Repr-Digest header (RFC 9530)
// and the pages show it. An interrupted or failed download stores nothing.
import { createHash, type Hash } from "node:crypto";
import { prisma } from "@/lib/db";
import { log } from "@/lib/log";

export interface ArchiveDigest {
  /** Hex SHA-256 of the archive's bytes. */
  sha256: string;
  size: number;
}

export async function findArchiveDigest(teamId: string, planKey: string): Promise<ArchiveDigest | null> {
  const row = await prisma.airGapArchiveDigest.findUnique({ where: { teamId_planKey: { teamId, planKey } }, select: { sha256: true, size: true } });
  return row ? { sha256: row.sha256, size: Number(row.size) } : null;
}

/** `sha-256=:<base64>:`, the Repr-Digest field value (RFC 9530) of a hex SHA-256. */
export function reprDigest(sha256: string): string {
  return `sha-256=:${Buffer.from(sha256, "hex").toString("base64")}:`;
}

/** Hashes a full download's bytes; `complete` stores the digest only if every byte of the plan went through. */
export class ArchiveHasher {
  private readonly hash: Hash = createHash("sha256");
  private bytes = 0;

  constructor(
    private readonly teamId: string,
    private readonly planKey: string,
    private readonly size: number,
  ) {}

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  /** Called once the last byte has gone out and the stream ended without error. */
  async complete(): Promise<string | null> {
    if (this.bytes !== this.size) return null;
    const sha256 = this.hash.digest("hex");
    try {
      // Another full download of the same plan may have stored it first: the bytes are the same.
      await prisma.airGapArchiveDigest.upsert({
        where: { teamId_planKey: { teamId: this.teamId, planKey: this.planKey } },
        create: { teamId: this.teamId, planKey: this.planKey, sha256, size: BigInt(this.size) },
        update: {},
      });
      return sha256;
    } catch (error) {
      log.warn({ teamId: this.teamId, err: error instanceof Error ? error.message : "unknown error" }, "air-gap archive digest not stored");
      return null;
    }
  }
}
