import { z } from "zod";
import { ZEmail, ZTeamName } from "@/lib/auth/schema";

export const ZTeamRole = z.enum(["ADMIN", "MEMBER", "VIEWER"], { error: "Choose Admin, Member or Viewer." });

export const ZInviteMemberInput = z.object({ email: ZEmail, role: ZTeamRole });
export type TInviteMemberInput = z.infer<typeof ZInviteMemberInput>;

export const ZChangeRoleInput = z.object({ membershipId: z.string().min(1).max(64), role: ZTeamRole });
export type TChangeRoleInput = z.infer<typeof ZChangeRoleInput>;

export const ZCreateTeamInput = z.object({ teamName: ZTeamName });
export type TCreateTeamInput = z.infer<typeof ZCreateTeamInput>;
