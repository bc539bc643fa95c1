import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConfigurationTable } from "@/components/operator/configuration-table";
import { IssuerWarnings } from "@/components/oidc/issuer-warnings";
import { KeyHistoryTable } from "@/components/oidc/key-history-table";
import { RefreshThumbprintButton } from "@/components/oidc/refresh-thumbprint-button";
import { SigningKeysTable } from "@/components/oidc/signing-keys-table";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { isPortalOperator } from "@/lib/auth/operators";
import { requireSession } from "@/lib/auth/session";
import { describeConfiguration } from "@/lib/config/describe-configuration";
import { getEnv } from "@/lib/env";
import { getIdentityProviderOverview } from "@/lib/oidc/overview";
import { thumbprintValue } from "@/lib/oidc/provider-info";

export const metadata: Metadata = { title: "Operator" };

/** The installation's own material: only OPERATOR_EMAILS see it; to anyone else it does not exist. */
export default async function OperatorPage() {
  const session = await requireSession();
  if (!isPortalOperator(session.user.email)) notFound();
  const { provider, keys, history, caching } = await getIdentityProviderOverview();
  const cacheMinutes = Math.round(caching.maxAgeSeconds / 60);
  return (
    <div className="space-y-6">
      <PageHeader title="Operator" description="This installation of the portal, for its operators (OPERATOR_EMAILS): the signing keys of every team, how to rotate them, and the configuration the server runs with." />
      <IssuerWarnings warnings={provider.operatorHints} />
      <Card title="Issuer" description={`${provider.issuerUrl} · TLS thumbprint ${thumbprintValue(provider.thumbprint) ?? "not available"}`} actions={<RefreshThumbprintButton />}>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          The thumbprint is recomputed every hour; recompute it now after changing the issuer&apos;s certificate.
        </p>
      </Card>
      <Card
        title="Signing keys"
        description={`RS256 keys, shared by every team. A next key is published at least a day before it signs; a retired key stays published until every token it signed has expired. Caches (AWS among them) may keep the published keys for up to ${cacheMinutes} minutes.`}
        flush
      >
        <SigningKeysTable keys={keys} />
      </Card>
      <Card title="Rotating the keys" description="Run on a machine with the portal's configuration (the same DATABASE_URL and DATA_ENCRYPTION_KEY).">
        <dl className="space-y-2 text-sm">
          {ROTATION_COMMANDS.map(({ command, when }) => (
            <div key={command}>
              <dt>
                <code className="font-mono text-xs">{command}</code>
              </dt>
              <dd className="text-zinc-600 dark:text-zinc-400">{when}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <Card title="Key history" description="Every signing key created, put into use, retired, removed or replaced in an emergency, newest first." flush>
        <KeyHistoryTable history={history} />
      </Card>
      <Card title="Configuration" description="As the server logged it at start-up: secrets only as set or missing." flush>
        <ConfigurationTable configuration={describeConfiguration(getEnv())} />
      </Card>
    </div>
  );
}

const ROTATION_COMMANDS = [
  { command: "npm run oidc:rotate", when: "Scheduled rotation now: publishes the next key and schedules it to sign after the lead time." },
  { command: "npm run oidc:rotate -- --next-now", when: "A suspected leak: the next key signs at once; the current key stays published until its tokens expire." },
  { command: "npm run oidc:rotate -- --emergency", when: "A confirmed leak: the current key is unpublished at once. Caches may refuse new tokens until they refresh." },
];
