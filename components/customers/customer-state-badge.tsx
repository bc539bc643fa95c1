import { Badge } from "@/components/ui/badge";
import type { LicenseState } from "@/lib/customers/license-id";

const TONE = { active: "success", revoked: "danger", expired: "warning" } as const;
const LABEL: Record<LicenseState, string> = { active: "Active", revoked: "Revoked", expired: "Expired" };

export function CustomerStateBadge({ state }: { state: LicenseState }) {
  return <Badge tone={TONE[state]}>{LABEL[state]}</Badge>;
}
