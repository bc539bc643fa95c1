import type { Metadata } from "next";
import Link from "next/link";
import { ApiTokensTable } from "@/components/api-tokens/api-tokens-table";
import { CreateApiTokenForm } from "@/components/api-tokens/create-api-token-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listApiTokens } from "@/lib/api-tokens/service";
import { requireSession } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/teams/roles";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  const session = await requireSession();
  const isAdmin = roleAtLeast(session.role, "ADMIN");
  const description = (
    <>
      Tokens let scripts and CI use the <Link href="/api-reference" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">REST API</Link> in{" "}
      {session.team.name}.
    </>
  );
  if (!isAdmin) {
    return (
      <>
        <PageHeader title="API tokens" description={description} />
        <EmptyState title="Only admins manage API tokens" description="Ask a team admin for a token with the role your script needs." />
      </>
    );
  }
  const tokens = await listApiTokens(session.team.id);
  return (
    <>
      <PageHeader title="API tokens" description={description} />
      <div className="space-y-8">
        <Card title="Create API token" description="The token is shown once. The portal keeps only a hash of it.">
          <CreateApiTokenForm />
        </Card>
        <Card title="Tokens" flush={tokens.length > 0}>
          {tokens.length > 0 ? <ApiTokensTable tokens={tokens} /> : <p className="text-sm text-zinc-600 dark:text-zinc-400">No API tokens yet.</p>}
        </Card>
      </div>
    </>
  );
}
