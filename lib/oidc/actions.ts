"use server";
import { revalidatePath } from "next/cache";
import { recordAuditEvent } from "@/lib/audit/service";
import { actorOf, requireActionSession } from "@/lib/auth/permissions";
import { runAction, type ActionResult } from "@/lib/http/result";
import { thumbprintValue } from "@/lib/oidc/provider-info";
import { refreshIssuerThumbprint } from "@/lib/oidc/thumbprint-refresh";

/** Recomputes the issuer's TLS thumbprint now instead of waiting for the hourly refresh (portal operators only). */
export async function refreshThumbprintAction(): Promise<ActionResult<{ thumbprint: string | null; message: string }>> {
  return runAction("refreshThumbprint", async () => {
    const session = await requireActionSession("ADMIN", "recompute the thumbprint");
    const thumbprint = await refreshIssuerThumbprint(session.user.email);
    const value = thumbprintValue(thumbprint);
    await recordAuditEvent(session.team.id, actorOf(session), "oidc.thumbprint_refreshed", undefined, { thumbprint: value, kind: thumbprint.kind });
    revalidatePath("/team/identity-provider");
    return { thumbprint: value, message: value ? `Thumbprint ${value}` : "reason" in thumbprint ? thumbprint.reason : "No thumbprint" };
  });
}
