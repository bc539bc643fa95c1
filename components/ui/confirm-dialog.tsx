"use client";
import { useId, useRef, useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, type ButtonSize, type ButtonVariant } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";

export interface ConfirmDialogProps {
  /** The button that opens the dialog. Give row actions a unique name, e.g. <>Remove<span className="sr-only"> ana@example.com</span></>. */
  triggerLabel: ReactNode;
  triggerVariant?: ButtonVariant;
  triggerSize?: ButtonSize;
  /** The dialog's heading and accessible name, e.g. "Delete Web shop?". */
  title: string;
  /** What will happen; the dialog's accessible description. */
  description?: ReactNode;
  /** The confirm button's label; say what it does ("Delete permanently"), not "OK". */
  confirmLabel: string;
  cancelLabel?: string;
  /** When set, the user must type this text before the confirm button is enabled. */
  confirmationText?: string;
  /** Red confirm button (default true). */
  destructive?: boolean;
  /**
   * Runs on confirm. Resolve with an error message to keep the dialog open
   * and show it; resolve with nothing to close the dialog.
   */
  onConfirm: () => Promise<string | void>;
}

/** A button that opens a modal <dialog> asking the user to confirm an action. */
export function ConfirmDialog({
  triggerLabel,
  triggerVariant = "danger",
  triggerSize = "md",
  title,
  description,
  confirmLabel,
  cancelLabel = "Cancel",
  confirmationText,
  destructive = true,
  onConfirm,
}: ConfirmDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const titleId = useId();
  const descriptionId = useId();

  const confirmed = confirmationText === undefined || typed.trim() === confirmationText.trim();

  function open() {
    setTyped("");
    setError(null);
    dialogRef.current?.showModal();
    // Start on the safe choice, or on the box to type in.
    (confirmationText !== undefined ? inputRef.current : cancelRef.current)?.focus();
  }

  function close() {
    if (!pending) dialogRef.current?.close();
  }

  async function confirm() {
    if (!confirmed || pending) return;
    setPending(true);
    setError(null);
    try {
      const failure = await onConfirm();
      if (failure) setError(failure);
      else dialogRef.current?.close();
    } finally {
      setPending(false);
    }
  }

  return (
    <>
      <Button variant={triggerVariant} size={triggerSize} onClick={open}>
        {triggerLabel}
      </Button>
      <dialog
        ref={dialogRef}
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        onCancel={(event) => {
          if (pending) event.preventDefault();
        }}
        onClick={(event) => {
          if (event.target === dialogRef.current) close();
        }}
        className="m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <form
          className="space-y-4 p-5"
          onSubmit={(event) => {
            event.preventDefault();
            void confirm();
          }}
        >
          <h2 id={titleId} className="text-lg font-semibold break-words">
            {title}
          </h2>
          {description && (
            <div id={descriptionId} className="text-sm text-zinc-600 dark:text-zinc-400">
              {description}
            </div>
          )}
          {confirmationText !== undefined && (
            <TextField
              ref={inputRef}
              label={
                <>
                  Type <span className="font-mono font-semibold">{confirmationText}</span> to confirm
                </>
              }
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
          {error && <Alert tone="error">{error}</Alert>}
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button ref={cancelRef} variant="secondary" onClick={close} disabled={pending}>
              {cancelLabel}
            </Button>
            <Button type="submit" variant={destructive ? "danger" : "primary"} disabled={!confirmed} pending={pending}>
              {confirmLabel}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
