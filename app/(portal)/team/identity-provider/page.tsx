import type { Metadata } from "next";
import { IssuerWarnings } from "@/components/oidc/issuer-warnings";
import { OidcValues } from "@/components/oidc/oidc-values";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { localAwsEndpoints } from "@/lib/aws/local-endpoints";
import { requireSession } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getIdentityProviderOverview } from "@/lib/oidc/overview";

export const metadata: Metadata = { title: "Identity provider" };

export default async function IdentityProviderPage() {
  const session = await requireSession();
  if (session.role !== "ADMIN") {
    return <Alert tone="info" title="Only team admins can see this page">Ask an admin of {session.team.name} for the identity provider settings.</Alert>;
  }
  const { provider, history, caching } = await getIdentityProviderOverview();
  const lastChange = history[0];
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
      <Card title="AWS OIDC configuration" description="Enter these in IAM → Identity providers → Add provider (OpenID Connect), and in your role's trust policy.">
        <OidcValues provider={provider} subject={session.team.publicId} />
      </Card>
      <Card title="Signing keys" description="The portal signs your team's tokens with RS256 keys it rotates on a schedule; AWS and the other clouds fetch them from the issuer by themselves, so nothing needs updating on your side.">
        <p className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="keys-last-changed">
          {lastChange ? (
            <>
              The keys last changed <LocalTime value={lastChange.at} />.
            </>
          ) : (
            "The keys have not changed since the portal was set up."
          )}
        </p>
      </Card>
    </div>
  );
}
