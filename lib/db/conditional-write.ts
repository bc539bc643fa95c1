import "server-only";
// Optimistic concurrency for writes that carry the version the client last
// read (the REST API's If-Match): the UPDATE or DELETE matches the row only
// while its updatedAt is still that version, so of two writers that read the
// same version exactly one succeeds, whichever process serves them, and the
// other writes nothing.
import { Prisma } from "@/lib/generated/prisma/client";
import { UserFacingError } from "@/lib/http/result";

export interface ConditionalWrite {
  /** The updatedAt the client's copy was read at; the write fails with precondition_failed when the row has changed since. */
  ifUnchangedSince?: Date | undefined;
}

export const PRECONDITION_FAILED = () =>
  new UserFacingError("precondition_failed", "It changed since you read it (its ETag no longer matches If-Match), so nothing was changed. Read it again, then send your change with its new ETag.");

/** The extra `where` of a conditional write. */
export function unchangedSince(options: ConditionalWrite): { updatedAt?: Date } {
  return options.ifUnchangedSince ? { updatedAt: options.ifUnchangedSince } : {};
}

/**
 * The new updatedAt of a conditional write: later than the version it
 * replaces even within the same millisecond, so every write makes a new version.
 */
export function nextVersion(options: ConditionalWrite): { updatedAt?: Date } {
  return options.ifUnchangedSince ? { updatedAt: new Date(Math.max(Date.now(), options.ifUnchangedSince.getTime() + 1)) } : {};
}

/** Runs a conditional write; a row that no longer matches (P2025) becomes precondition_failed. */
export async function writeIfUnchanged<T>(options: ConditionalWrite, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (options.ifUnchangedSince && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") throw PRECONDITION_FAILED();
    throw error;
  }
}
