// The shape every server action and route handler returns, and the helpers
// that turn expected and unexpected failures into it.
import type { z } from "zod";
import { currentRequestId } from "@/lib/http/request-context";
import { log } from "@/lib/log";
import { describeUnstorableText, findUnstorableText } from "@/lib/http/storable-text";
import type { ErrorCode } from "@/lib/http/error-codes";

export type ActionError = { code: ErrorCode; message: string; fieldErrors?: Record<string, string> };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/** A failure whose message is written for the user. */
export class UserFacingError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: Record<string, string>,
  ) {
    super(message);
  }
}

export const NOT_FOUND = () => new UserFacingError("not_found", "Not found. It may have been deleted, or it belongs to another team.");
export const FORBIDDEN = (what: string) => new UserFacingError("forbidden", `Your role in this team does not allow you to ${what}. Ask a team admin.`);

export function ok<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    fieldErrors[key] ??= issue.message;
  }
  return fieldErrors;
}

/** Re-checks a client-sent input against the same schema the form used. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  assertStorableText(input);
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UserFacingError("invalid_input", "Some fields need attention.", fieldErrorsOf(parsed.error));
  return parsed.data;
}

/** Refuses text the database cannot hold (NUL, unpaired surrogates) anywhere in an input, naming the field. */
export function assertStorableText(input: unknown): void {
  const found = findUnstorableText(input);
  if (found) throw new UserFacingError("invalid_input", "Some fields need attention.", { [found.field]: describeUnstorableText(found) });
}

export function validationFailure(error: z.ZodError): ActionResult<never> {
  return { ok: false, error: { code: "invalid_input", message: "Some fields need attention.", fieldErrors: fieldErrorsOf(error) } };
}

/** Runs an action body; expected errors pass through, unknown ones are logged with a request ID. */
export async function runAction<T>(name: string, body: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return ok(await body());
  } catch (error) {
    return failureOf(name, error);
  }
}

export function failureOf(name: string, error: unknown): ActionResult<never> {
  if (error instanceof UserFacingError) {
    return { ok: false, error: { code: error.code, message: error.message, ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}) } };
  }
  // Next.js signals redirect() and notFound() by throwing; let them through.
  if (isNextControlFlow(error)) throw error;
  const requestId = currentRequestId();
  log.error({ err: error, action: name, requestId }, "action failed");
  return { ok: false, error: { code: "internal", message: `Something went wrong on our side. Please try again; if it keeps happening, contact support with request ID ${requestId}.` } };
}

function isNextControlFlow(error: unknown): boolean {
  const digest = (error as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_HTTP_ERROR_FALLBACK"));
}
