import type { Metadata } from "next";
import { EmailPreferencesForm } from "@/components/notifications/email-preferences-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireSession } from "@/lib/auth/session";
import { mailerConfigured } from "@/lib/notifications/email";
import { getEmailPreferences } from "@/lib/notifications/preferences";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const session = await requireSession();
  const preferences = await getEmailPreferences(session.team.id, session.user.id, session.role);
  return (
    <>
      <PageHeader title="Notifications" description={`Which emails you (${session.user.email}) get about ${session.team.name}. Repeated failures of one registry are sent at most once an hour; license expiries as a daily digest.`} />
      <div className="space-y-6">
        {!mailerConfigured() && (
          <Alert tone="warning" title="Email is off on this portal">
            The operator has not set SMTP_URL and MAIL_FROM, so no email is sent. Your choices are kept for when it is configured; webhooks work either way.
          </Alert>
        )}
        <Card title="Email">
          <EmailPreferencesForm preferences={preferences} />
        </Card>
      </div>
    </>
  );
}
