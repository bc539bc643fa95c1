"use client";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { callAction } from "@/components/forms/action-result";
import { Select } from "@/components/ui/input";
import { switchTeamAction } from "@/lib/teams/actions";

export interface TeamOption {
  teamId: string;
  teamName: string;
}

/** A <select> of the user's teams; choosing one makes it the current team. */
export function TeamSwitcher({ teams, currentTeamId }: { teams: TeamOption[]; currentTeamId: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [selected, setSelected] = useState(currentTeamId);
  const [pending, setPending] = useState(false);

  async function switchTo(teamId: string) {
    setSelected(teamId);
    setPending(true);
    const result = await callAction(switchTeamAction, { teamId });
    setPending(false);
    if (!result.ok) {
      setSelected(currentTeamId);
      toast.error(result.error.message);
      return;
    }
    toast.success(`Switched to ${teams.find((team) => team.teamId === teamId)?.teamName ?? "the team"}`);
    // An application page belongs to the old team; start again from the list.
    if (pathname.startsWith("/apps/")) router.push("/apps");
    router.refresh();
  }

  return (
    <div className="min-w-0">
      <label htmlFor="team-switcher" className="sr-only">
        Team
      </label>
      <Select
        id="team-switcher"
        value={selected}
        disabled={pending}
        aria-busy={pending || undefined}
        onChange={(event) => void switchTo(event.target.value)}
        compact
        className="max-w-56 truncate font-medium"
      >
        {teams.map((team) => (
          <option key={team.teamId} value={team.teamId}>
            {team.teamName}
          </option>
        ))}
      </Select>
    </div>
  );
}
