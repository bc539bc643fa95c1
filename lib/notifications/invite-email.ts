import "server-only";
// The invitation email, when the portal has a mailer (SMTP_URL, MAIL_FROM).
// Sent at once rather than through the outbox: the link carries the invite's
// token, which is never stored, so it cannot wait in a table. A failure is
// logged and the inviter still has the link to pass on.
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { escapeHtml } from "@/lib/notifications/email-content";
import { mailerConfigured, sendMail } from "@/lib/notifications/email";
import { ROLE_LABEL, type TeamRole } from "@/lib/teams/roles";

/** Returns whether the mail was handed to the SMTP server. */
export async function sendInviteEmail(invite: { email: string; role: TeamRole; token: string; expiresAt: Date }, teamName: string, inviter: { email: string }): Promise<boolean> {
  if (!mailerConfigured()) return false;
  const url = `${getEnv().APP_URL}/invite/${invite.token}`;
  const role = ROLE_LABEL[invite.role];
  const expires = invite.expiresAt.toUTCString();
  try {
    await sendMail({
      to: invite.email,
      subject: `${inviter.email} invited you to ${teamName} on the registry portal`,
      text: `${inviter.email} invited you to join ${teamName} as ${role}.\n\nAccept the invitation: ${url}\n\nThe link works once and expires on ${expires}. If you did not expect this, ignore this email.`,
      html: `<p>${escapeHtml(inviter.email)} invited you to join <strong>${escapeHtml(teamName)}</strong> as ${role}.</p><p><a href="${escapeHtml(url)}">Accept the invitation</a></p><p><small>The link works once and expires on ${escapeHtml(expires)}. If you did not expect this, ignore this email.</small></p>`,
    });
    return true;
  } catch (error) {
    log.warn({ reason: error instanceof Error ? error.message.slice(0, 200) : "unknown" }, "invitation email not sent");
    return false;
  }
}
