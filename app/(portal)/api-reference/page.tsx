import type { Metadata } from "next";
import Link from "next/link";
import type { JsonSchema } from "@/components/api-reference/json-schema";
import { OperationCard, SchemaView, type ReferenceOperation } from "@/components/api-reference/operation-card";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { TBody, THead, Table, Td, Th } from "@/components/ui/table";
import { API_BASE_PATH, buildOpenApiDocument } from "@/lib/api/openapi";
import { requireSession } from "@/lib/auth/session";
import { ERROR_CODE_INFO, ERROR_CODES } from "@/lib/http/error-codes";

export const metadata: Metadata = { title: "API reference" };

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** The REST API's OpenAPI document, rendered on the server: no external scripts. */
export default async function ApiReferencePage() {
  await requireSession();
  const document = buildOpenApiDocument();
  const operations: (ReferenceOperation & { tag: string })[] = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = (item as Record<string, (Omit<ReferenceOperation, "method" | "path"> & { tags?: string[] }) | undefined>)[method];
      return operation ? [{ ...operation, method: method.toUpperCase(), path, tag: operation.tags?.[0] ?? "Other" }] : [];
    }),
  );
  const tags = [...new Set(operations.map((operation) => operation.tag))];
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const serverUrl = document.servers?.[0]?.url ?? API_BASE_PATH;

  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Everything the portal does, from scripts and CI. The machine-readable{" "}
            <a href={`${API_BASE_PATH}/openapi.json`} className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
              OpenAPI 3.1 document
            </a>{" "}
            generates clients in any language.
          </>
        }
      />
      <div className="space-y-8">
        <Card title="Getting started">
          <div className="space-y-3 text-sm">
            <p>
              Base URL: <code className="font-mono break-all">{serverUrl}</code>
            </p>
            <p>
              Authenticate every request with an API token: <code className="font-mono">Authorization: Bearer rp_…</code>. Team admins create tokens under{" "}
              <Link href="/team/api-tokens" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                API tokens
              </Link>
              . A token acts only in its team, with its role; browser sessions are not accepted.
            </p>
            <pre className="overflow-x-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100">{`curl -H "Authorization: Bearer $PORTAL_TOKEN" ${serverUrl}/registries`}</pre>
            <p className="text-zinc-600 dark:text-zinc-400">{document.info.description?.split("\n\n").slice(1).join(" ")}</p>
          </div>
        </Card>

        <nav aria-label="Operations" className="rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800">
          <ul className="grid gap-x-6 gap-y-1 sm:grid-cols-2">
            {operations.map((operation) => (
              <li key={operation.operationId}>
                <a href={`#${operation.operationId}`} className="hover:underline">
                  <span className="inline-block w-14 font-mono text-xs text-zinc-500 dark:text-zinc-400">{operation.method}</span>
                  {operation.summary}
                </a>
              </li>
            ))}
          </ul>
        </nav>

        {tags.map((tag) => (
          <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-3">
            <h2 id={`tag-${tag}`} className="text-lg font-semibold">
              {tag}
            </h2>
            {operations
              .filter((operation) => operation.tag === tag)
              .map((operation) => (
                <OperationCard key={operation.operationId} operation={operation} basePath={API_BASE_PATH} />
              ))}
          </section>
        ))}

        <Card title="Error codes" description='Every error is { "error": { "code", "message", "fields"? } }. The message is written for a person; match on the code.' flush>
          <Table label="Error codes">
            <THead>
              <tr>
                <Th>Code</Th>
                <Th>Status</Th>
                <Th>Meaning</Th>
              </tr>
            </THead>
            <TBody>
              {ERROR_CODES.filter((code) => code !== "network").map((code) => (
                <tr key={code}>
                  <Td className="font-mono">{code}</Td>
                  <Td className="font-mono">{ERROR_CODE_INFO[code].status}</Td>
                  <Td>{ERROR_CODE_INFO[code].meaning}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        </Card>

        <section aria-labelledby="schemas" className="space-y-3">
          <h2 id="schemas" className="text-lg font-semibold">
            Schemas
          </h2>
          {Object.entries(schemas).map(([name, schema]) => (
            <article key={name} id={`schema-${name}`} className="scroll-mt-20 rounded-lg border border-zinc-200 bg-white p-4 sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
              <h3 className="font-mono text-sm font-semibold">{name}</h3>
              {schema.description && <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{schema.description}</p>}
              <div className="mt-2">
                <SchemaView schema={schema} />
              </div>
            </article>
          ))}
        </section>
      </div>
    </>
  );
}
