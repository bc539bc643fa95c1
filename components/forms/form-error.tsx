import { Alert } from "@/components/ui/alert";

/** The form-level error set by showActionError / showFormError (errors.root.server). */
export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return <Alert tone="error">{message}</Alert>;
}
