"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { SelectField } from "@/components/ui/field";
import { RoleOptions } from "@/components/teams/role-options";
import { changeMemberRoleAction } from "@/lib/teams/actions";
import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

/** Changes a member's role as soon as another one is chosen. */
export function MemberRoleSelect({ membershipId, email, role }: { membershipId: string; email: string; role: TeamRole }) {
  const router = useRouter();
  const [value, setValue] = useState(role);
  const [pending, setPending] = useState(false);

  async function change(next: TeamRole) {
    setValue(next);
    setPending(true);
    const result = await callAction(changeMemberRoleAction, { membershipId, role: next });
    setPending(false);
    if (!result.ok) {
      setValue(role);
      toast.error(result.error.message);
      return;
    }
    toast.success(`${email} is now ${ROLE_LABEL[next]}`);
    router.refresh();
  }

  return (
    <SelectField
      label={`Role for ${email}`}
      hideLabel
      value={value}
      disabled={pending}
      aria-busy={pending || undefined}
      onChange={(event) => void change(event.target.value as TeamRole)}
      fieldClassName="w-32"
      compact
    >
      <RoleOptions />
    </SelectField>
  );
}
