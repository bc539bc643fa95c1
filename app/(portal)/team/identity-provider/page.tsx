import type { Metadata } from "next";
import { IssuerWarnings } from "@/components/oidc/issuer-warnings";
import { OidcValues } from "@/components/oidc/oidc-values";
import { RefreshThumbprintButton } from "@/components/oidc/refresh-thumbprint-button";
import { SigningKeysTable } from "@/components/oidc/signing-keys-table";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { isPortalOperator } from "@/lib/auth/operators";
import { requireSession } from "@/lib/auth/session";
import { getIdentityProviderOverview } from "@/lib/oidc/overview";

export const metadata: Metadata = { title: "Identity provider" };

export default async function IdentityProviderPage() {
  const session = await requireSession();
  if (session.role !== "ADMIN") {
    return <Alert tone="info" title="Only team admins can see this page">Ask an admin of {session.team.name} for the identity provider settings.</Alert>;
  }
  const { provider, keys } = await getIdentityProviderOverview();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Identity provider"
        description="The portal is an OpenID Connect identity provider. AWS trusts it to sign short-lived tokens whose subject is your team, and exchanges them for temporary credentials: no long-lived AWS key is stored."
      />
      <IssuerWarnings warnings={provider.warnings} />
      <Card title="AWS OIDC configuration" description="Enter these in IAM → Identity providers → Add provider (OpenID Connect), and in your role's trust policy." actions={isPortalOperator(session.user.email) ? <RefreshThumbprintButton /> : undefined}>
        <OidcValues provider={provider} subject={session.team.publicId} />
      </Card>
      <Card
        title="Signing keys"
        description="RS256 keys. A next key is published at least a day before it signs; a retired key stays published until every token it signed has expired. Rotate with npm run oidc:rotate."
        flush
      >
        <SigningKeysTable keys={keys} />
      </Card>
    </div>
  );
}
