import type { Metadata } from "next";
import { IssuerWarnings } from "@/components/oidc/issuer-warnings";
import { KeyHistoryTable } from "@/components/oidc/key-history-table";
import { OidcValues } from "@/components/oidc/oidc-values";
import { RefreshThumbprintButton } from "@/components/oidc/refresh-thumbprint-button";
import { SigningKeysTable } from "@/components/oidc/signing-keys-table";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { localAwsEndpoints } from "@/lib/aws/local-endpoints";
import { isPortalOperator } from "@/lib/auth/operators";
import { requireSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getIdentityProviderOverview } from "@/lib/oidc/overview";

export const metadata: Metadata = { title: "Identity provider" };

export default async function IdentityProviderPage() {
  const session = await requireSession();
  if (session.role !== "ADMIN") {
    return <Alert tone="info" title="Only team admins can see this page">Ask an admin of {session.team.name} for the identity provider settings.</Alert>;
  }
  const { provider, keys, history, caching } = await getIdentityProviderOverview();
  const cacheMinutes = Math.round(caching.maxAgeSeconds / 60);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Identity provider"
        description="The portal is an OpenID Connect identity provider. AWS trusts it to sign short-lived tokens whose subject is your team, and exchanges them for temporary credentials: no long-lived AWS key is stored."
      />
      <IssuerWarnings warnings={provider.warnings} local={localAwsEndpoints(getEnv()) !== null} />
      {caching.recentEmergency && (
        <Alert tone="warning" title="The signing key was replaced in an emergency">
          At <LocalTime value={caching.recentEmergency.at} /> the old key was unpublished and a new one started signing. Until <LocalTime value={caching.recentEmergency.cachesExpireBy} />, AWS (or any
          cache) that fetched the keys before may refuse tokens signed by the new key, and Tests may fail with &ldquo;Signature validation failed&rdquo; or &ldquo;Couldn&rsquo;t retrieve verification key&rdquo;. Run
          the Test again after that time.
        </Alert>
      )}
      <Card title="AWS OIDC configuration" description="Enter these in IAM → Identity providers → Add provider (OpenID Connect), and in your role's trust policy." actions={isPortalOperator(session.user.email) ? <RefreshThumbprintButton /> : undefined}>
        <OidcValues provider={provider} subject={session.team.publicId} />
      </Card>
      <Card
        title="Signing keys"
        description={`RS256 keys. A next key is published at least a day before it signs; a retired key stays published until every token it signed has expired. AWS and other caches may keep the published keys for up to ${cacheMinutes} minutes (never past the next scheduled change), so after an emergency rotation AWS may refuse new tokens for up to ${cacheMinutes} minutes. The portal's operator rotates with npm run oidc:rotate (-- --next-now for a suspected leak, -- --emergency for a confirmed one).`}
        flush
      >
        <SigningKeysTable keys={keys} />
      </Card>
      <Card title="Key history" description="Every signing key created, put into use, retired, removed or replaced in an emergency, for the whole portal, newest first." flush>
        <KeyHistoryTable history={history} />
      </Card>
    </div>
  );
}
