import { useId, type ComponentProps, type ReactNode } from "react";
import { cx } from "@/components/ui/cx";
import { Input, Select, Textarea } from "@/components/ui/input";

/** What Field hands its control so the label, hint and error are announced with it. */
export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

export interface FieldProps {
  /** The visible label; also the control's accessible name. */
  label: ReactNode;
  /** Help shown under the control, e.g. "At least 12 characters." */
  hint?: ReactNode;
  /** The error for this field (client validation or the server's fieldErrors[name]); marks the control invalid. */
  error?: string;
  /** Hides the label visually (still read by screen readers), for compact rows such as tables. */
  hideLabel?: boolean;
  /** Use a given id for the control instead of a generated one. */
  id?: string;
  className?: string;
  /** Renders the control with the props that wire it to the label, hint and error. */
  children: (control: FieldControlProps) => ReactNode;
}

/** Label + control + hint + error, with aria-describedby and aria-invalid set. */
export function Field({ label, hint, error, hideLabel, id, className, children }: FieldProps) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = `${controlId}-hint`;
  const errorId = `${controlId}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cx("space-y-1.5", className)}>
      <label htmlFor={controlId} className={cx("block text-sm font-medium text-zinc-800 dark:text-zinc-200", hideLabel && "sr-only")}>
        {label}
      </label>
      {children({ id: controlId, "aria-describedby": describedBy, ...(error ? { "aria-invalid": true as const } : {}) })}
      {hint && (
        <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

type FieldOwnProps = Omit<FieldProps, "children" | "className"> & { fieldClassName?: string };

/** A labelled text input; spread react-hook-form's register(name) into it. */
export function TextField({ label, hint, error, hideLabel, id, fieldClassName, ...inputProps }: FieldOwnProps & Omit<ComponentProps<typeof Input>, "id">) {
  return (
    <Field label={label} hint={hint} error={error} hideLabel={hideLabel} id={id} className={fieldClassName}>
      {(control) => <Input {...inputProps} {...control} />}
    </Field>
  );
}

/** A labelled <select>; pass <option>s as children. */
export function SelectField({ label, hint, error, hideLabel, id, fieldClassName, ...selectProps }: FieldOwnProps & Omit<ComponentProps<typeof Select>, "id">) {
  return (
    <Field label={label} hint={hint} error={error} hideLabel={hideLabel} id={id} className={fieldClassName}>
      {(control) => <Select {...selectProps} {...control} />}
    </Field>
  );
}

/** A labelled <textarea>. */
export function TextAreaField({ label, hint, error, hideLabel, id, fieldClassName, ...textareaProps }: FieldOwnProps & Omit<ComponentProps<"textarea">, "id">) {
  return (
    <Field label={label} hint={hint} error={error} hideLabel={hideLabel} id={id} className={fieldClassName}>
      {(control) => <Textarea {...textareaProps} {...control} />}
    </Field>
  );
}
