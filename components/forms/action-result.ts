import type { FieldValues, Path, UseFormReturn } from "react-hook-form";
import type { ActionError, ActionResult } from "@/lib/http/result";

/**
 * Shows a failed server action on a react-hook-form form: each of
 * `error.fieldErrors` next to its field (the first one focused), and
 * `error.message` as the form-level error read by <FormError>.
 */
export function showActionError<T extends FieldValues>(form: UseFormReturn<T>, error: ActionError, fields: readonly Path<T>[]) {
  let focused = false;
  for (const field of fields) {
    const message = error.fieldErrors?.[field];
    if (!message) continue;
    form.setError(field, { type: "server", message }, { shouldFocus: !focused });
    focused = true;
  }
  form.setError("root.server", { type: error.code, message: error.message });
}

/** A form-level error that is not tied to one field (wrong password, network failure). */
export function showFormError<T extends FieldValues>(form: UseFormReturn<T>, message: string) {
  form.setError("root.server", { type: "client", message });
}

/** Shown when a server action cannot be reached at all. */
export const NETWORK_ERROR_MESSAGE = "Could not reach the portal. Check your connection and try again.";

/** Calls a server action; a network failure becomes an ordinary failed result instead of a thrown error. */
export async function callAction<T>(action: (input: unknown) => Promise<ActionResult<T>>, input: unknown): Promise<ActionResult<T>> {
  try {
    return await action(input);
  } catch {
    return { ok: false, error: { code: "network", message: NETWORK_ERROR_MESSAGE } };
  }
}
