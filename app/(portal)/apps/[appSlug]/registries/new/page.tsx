import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IssuerWarnings } from "@/components/oidc/issuer-warnings";
import { OidcValues } from "@/components/oidc/oidc-values";
import { CreateRegistryForm } from "@/components/registries/registry-form";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug, listApplications } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getRegistryOidcSetup } from "@/lib/registries/oidc-setup";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Add external registry" };

export default async function NewRegistryPage({ params }: { params: Promise<{ appSlug: string }> }) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  if (!roleAtLeast(session.role, "MEMBER")) {
    return <Alert tone="info" title="Viewers cannot add registries">Ask a member or admin of {session.team.name} to add it.</Alert>;
  }
  const [applications, { provider, oidc, local }] = await Promise.all([listApplications(session.team.id), getRegistryOidcSetup(session.team.publicId)]);

  return (
    <>
      <PageHeader title="Add external registry" description="Connect a private registry the images of your applications live in. The secret you enter is stored encrypted and never shown again." />
      <Card>
        <CreateRegistryForm
          appSlug={application.slug}
          applications={applications.map(({ id, name }) => ({ id, name }))}
          allowAmbient={getEnv().ALLOW_AMBIENT_AWS_CREDENTIALS}
          oidc={oidc}
          oidcPanel={
            <div className="space-y-3">
              <IssuerWarnings warnings={provider.warnings} local={local !== null} />
              <OidcValues provider={provider} subject={session.team.publicId} />
            </div>
          }
        />
      </Card>
    </>
  );
}
