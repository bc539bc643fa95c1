import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ChannelForm, DeleteChannelDialog } from "@/components/entitlements/channel-forms";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getApplicationBySlug } from "@/lib/applications/service";
import { requireSession } from "@/lib/auth/session";
import { describeRule } from "@/lib/entitlements/match";
import { ruleRegistryOptions } from "@/lib/entitlements/registry-options";
import { listChannels } from "@/lib/entitlements/service";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "Channels" };

type Props = { params: Promise<{ appSlug: string }> };

export default async function ChannelsPage({ params }: Props) {
  const session = await requireSession();
  const application = await getApplicationBySlug(session.team.id, (await params).appSlug);
  if (!application) notFound();
  const [channels, registries] = await Promise.all([listChannels(session.team.id, application.id), ruleRegistryOptions(session.team.id, application.id)]);
  const canEdit = roleAtLeast(session.role, "MEMBER");
  const hostnames = new Map(registries.map((registry) => [registry.id, registry.hostname]));

  return (
    <>
      <PageHeader title="Channels" description="Named sets of images (e.g. Stable, Beta). Give a channel to customers on their page; changing a channel changes what all of them may pull within 2 seconds." />
      <div className="space-y-6">
        {channels.length === 0 && <EmptyState title="No channels yet" description="Every customer pulls all images of the application until you give it channels or rules." />}
        {channels.map((channel) => (
          <Card
            key={channel.id}
            title={channel.name}
            description={`${channel.customerCount} ${channel.customerCount === 1 ? "customer" : "customers"}`}
            actions={canEdit && <DeleteChannelDialog channelId={channel.id} name={channel.name} customerCount={channel.customerCount} />}
          >
            {canEdit ? (
              <ChannelForm key={channel.updatedAt.toISOString()} applicationId={application.id} channel={channel} registries={registries} />
            ) : (
              <ul className="list-disc space-y-1 pl-5 font-mono text-sm">
                {channel.rules.map((rule, index) => (
                  <li key={index}>{describeRule({ ...rule, registryHostname: hostnames.get(rule.registryId) ?? "(registry removed)", channel: null }, application.slug)}</li>
                ))}
              </ul>
            )}
          </Card>
        ))}
        {canEdit && (
          <Card title="New channel">
            {registries.length === 0 ? <p className="text-sm text-zinc-600 dark:text-zinc-400">Add a registry to the application first.</p> : <ChannelForm applicationId={application.id} registries={registries} />}
          </Card>
        )}
      </div>
    </>
  );
}
