import "server-only";
// Portal operators run the installation (OPERATOR_EMAILS), as opposed to team
// admins, who run a team. Portal-wide actions are theirs alone.
import { getEnv } from "@/lib/env";

export function isPortalOperator(email: string): boolean {
  return getEnv().OPERATOR_EMAILS.includes(email.toLowerCase());
}
