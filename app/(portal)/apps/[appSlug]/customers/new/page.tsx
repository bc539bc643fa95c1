import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CreateCustomerForm } from "@/components/customers/customer-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Add customer" };

export default async function NewCustomerPage({ params }: { params: Promise<{ appSlug: string }> }) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  if (!roleAtLeast(session.role, "MEMBER")) {
    return <Alert tone="info" title="Viewers cannot add customers">Ask a member or admin of {session.team.name} to add the customer.</Alert>;
  }
  return (
    <>
      <PageHeader title="Add customer" description={`A license is generated for the customer; the next page shows it with the instructions to pull ${application.name}'s images.`} />
      <Card>
        <CreateCustomerForm applicationId={application.id} appSlug={application.slug} />
      </Card>
    </>
  );
}
