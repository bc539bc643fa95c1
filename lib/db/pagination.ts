// Keyset (cursor) pagination over (createdAt, id), for lists the API pages
// through. A cursor is opaque to clients: base64url of "<ms>:<id>" of the last
// row returned. Rows inserted or deleted meanwhile never shift a page.
import { UserFacingError } from "@/lib/http/result";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

interface Position {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Position): string {
  return Buffer.from(`${row.createdAt.getTime()}:${row.id}`).toString("base64url");
}

export const INVALID_CURSOR = () =>
  new UserFacingError("invalid_input", "Some fields need attention.", { cursor: "This cursor is not one the API returned. Pass nextCursor from the previous page unchanged, or leave it out for the first page." });

export function decodeCursor(cursor: string): Position {
  const decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^(\d{1,15}):([A-Za-z0-9_-]{1,64})$/.exec(decoded);
  if (!match) throw INVALID_CURSOR();
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/** The `where` and `orderBy` of one page, oldest first ("asc") or newest first ("desc"). */
export function keysetQuery(page: PageRequest, direction: "asc" | "desc") {
  const after = page.cursor ? decodeCursor(page.cursor) : null;
  const beyond = <V,>(value: V) => (direction === "asc" ? { gt: value } : { lt: value });
  return {
    where: after ? { OR: [{ createdAt: beyond(after.createdAt) }, { createdAt: after.createdAt, id: beyond(after.id) }] } : {},
    orderBy: [{ createdAt: direction }, { id: direction }] as [{ createdAt: "asc" | "desc" }, { id: "asc" | "desc" }],
    // One more than asked, to know whether there is a next page.
    take: page.limit + 1,
  };
}

/** Cuts the extra row keysetQuery fetched and derives the next cursor. */
export function toPage<T extends Position>(rows: T[], page: PageRequest): Page<T> {
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? encodeCursor(items[items.length - 1]!) : null };
}
