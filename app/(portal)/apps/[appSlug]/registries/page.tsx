import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RegistryTable } from "@/components/registries/registry-table";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { listRegistries, registryServesApplication } from "@/lib/registries/service";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Image Registries" };

export default async function RegistriesPage({ params }: { params: Promise<{ appSlug: string }> }) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const registries = await listRegistries(session.team.id);
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const shared = registries.filter((registry) => registryServesApplication(registry, application.id));
  const others = registries.filter((registry) => !registryServesApplication(registry, application.id));
  const addHref = `/apps/${application.slug}/registries/new`;

  return (
    <>
      <PageHeader
        title="Image Registries"
        description={`The private registries ${application.name}'s images are pulled from. Registries belong to the team; each one's App access says which applications may use it.`}
        actions={
          canEdit && (
            <ButtonLink href={addHref} variant="primary">
              Add external registry
            </ButtonLink>
          )
        }
      />
      <div className="space-y-6">
        {shared.length > 0 ? (
          <Card flush>
            <RegistryTable registries={shared} appSlug={application.slug} label={`Registries ${application.name} can use`} />
          </Card>
        ) : (
          <EmptyState
            title="No registries yet"
            description={canEdit ? "Add the Amazon ECR registry your images live in, with an access key or IAM authentication." : "Members and admins of this team can add one; it will appear here."}
            action={
              canEdit && (
                <ButtonLink href={addHref} variant="primary">
                  Add external registry
                </ButtonLink>
              )
            }
          />
        )}
        {others.length > 0 && (
          <Card title="Other registries of the team" description={`Not shared with ${application.name}. Change a registry's App access to share it.`} flush>
            <RegistryTable registries={others} appSlug={application.slug} label={`Registries not shared with ${application.name}`} />
          </Card>
        )}
      </div>
    </>
  );
}
