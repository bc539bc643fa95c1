// The URL of a list page is its state: search, filters, sort and page live in
// the query string, parsed by one zod schema per list (lib/*/list-query.ts)
// whose every field falls back to its default (.catch), so a hand-edited or
// outdated link shows the list instead of an error. Pure.
import { z } from "zod";
import { unstorableTextReason } from "@/lib/http/storable-text";

export type RawSearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

/** The first value of each parameter: ?status=a&status=b reads as "a". */
export function firstValues(params: RawSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  if (params instanceof URLSearchParams) {
    for (const [key, value] of params) if (!(key in out)) out[key] = value;
    return out;
  }
  for (const [key, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[key] = first;
  }
  return out;
}

export const PAGE_SIZE = 25;

/** Text the database can compare (no NUL, no unpaired surrogate): anything else falls back to the default. */
export const isStorableText = (value: string) => unstorableTextReason(value) === null;

/** Fields every list shares. */
export const listSearch = z.string().trim().max(200).refine(isStorableText).catch("");
export const listPage = z.coerce.number().int().min(1).max(100_000).catch(1);
export const listDirection = z.enum(["asc", "desc"]).catch("asc");

/** An optional choice: one of `values`, or "" (any) for anything else. */
export function optionalChoice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values).or(z.literal("")).catch("");
}

/**
 * For a download (CSV export) with the list's filters: each filter given in
 * the URL that the lenient schema dropped or changed, with what it expects.
 * The page shows the list without such a filter; an export must not be
 * silently wider than what was asked for. Null when every filter holds.
 */
export function rejectedFilters(raw: Record<string, string>, parsed: Record<string, unknown>, expected: Record<string, string>): Record<string, string> | null {
  const errors: Record<string, string> = {};
  for (const [key, expectation] of Object.entries(expected)) {
    const given = raw[key];
    if (given === undefined || given === "") continue;
    if (!isStorableText(given) || String(parsed[key]) !== given) errors[key] = expectation;
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/**
 * The query string of a list with `changes` applied; parameters equal to
 * their default are left out, so links stay short and canonical. A change of
 * anything but the page goes back to page 1.
 */
export function listHref<T extends Record<string, string | number>>(path: string, query: T, defaults: T, changes: Partial<T> = {}): string {
  const next = { ...query, ...changes } as T;
  if (!("page" in changes) && "page" in next) (next as Record<string, string | number>).page = 1;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(next)) {
    if (value === "" || value === defaults[key as keyof T]) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export interface PageInfo {
  page: number;
  pageCount: number;
  total: number;
  /** 1-based positions of the first and last row shown. */
  from: number;
  to: number;
}

/** Offset and limit of a page, and what the pager says; a page past the end shows the last one. */
export function pageWindow(requestedPage: number, total: number, pageSize = PAGE_SIZE): PageInfo & { skip: number; take: number } {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(requestedPage, pageCount);
  const skip = (page - 1) * pageSize;
  return { page, pageCount, total, skip, take: pageSize, from: total === 0 ? 0 : skip + 1, to: Math.min(total, skip + pageSize) };
}
