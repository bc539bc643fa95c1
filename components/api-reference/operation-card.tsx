import { SchemaLink, SchemaView } from "@/components/api-reference/schema-view";
import type { JsonSchema } from "@/components/api-reference/json-schema";
import { cx } from "@/components/ui/cx";

export interface ReferenceOperation {
  method: string;
  path: string;
  operationId: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: JsonSchema }> }>;
}

const METHOD_TONE: Record<string, string> = {
  GET: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-800",
  POST: "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-800",
  PUT: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-800",
  PATCH: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-800",
  DELETE: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-800",
};

/** One operation of the API: what it does, its inputs and its answers. */
export function OperationCard({ operation, basePath }: { operation: ReferenceOperation; basePath: string }) {
  // JSON, or a JSON merge patch for PATCH: the operation's one media type.
  const [bodyType, bodyContent] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [];
  const body = bodyContent?.schema;
  return (
    <article id={operation.operationId} aria-labelledby={`${operation.operationId}-title`} className="scroll-mt-20 rounded-lg border border-zinc-200 bg-white p-4 shadow-sm sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <h3 id={`${operation.operationId}-title`} className="flex flex-wrap items-center gap-2 text-base font-semibold">
        <span className={cx("rounded px-1.5 py-0.5 font-mono text-xs ring-1 ring-inset", METHOD_TONE[operation.method])}>{operation.method}</span>
        <code className="font-mono text-sm break-all">
          {basePath}
          {operation.path}
        </code>
      </h3>
      <p className="mt-1 font-medium">{operation.summary}</p>
      {operation.description && <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{operation.description}</p>}

      {operation.parameters && operation.parameters.length > 0 && (
        <section className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Parameters</h4>
          <ul className="mt-1.5 space-y-1.5">
            {operation.parameters.map((parameter) => (
              <li key={`${parameter.in}-${parameter.name}`} className="text-sm">
                <span className="font-mono font-medium">{parameter.name}</span>
                <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">
                  {parameter.in}
                  {parameter.schema && (
                    <>
                      {" · "}
                      <SchemaLink schema={parameter.schema} />
                    </>
                  )}
                  {parameter.required ? <span className="ml-1.5 font-medium text-amber-700 dark:text-amber-400">required</span> : <span className="ml-1.5">optional</span>}
                </span>
                {(parameter.description ?? parameter.schema?.description) && <p className="text-zinc-600 dark:text-zinc-400">{parameter.description ?? parameter.schema?.description}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}

      {body && (
        <section className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{bodyType === "application/merge-patch+json" ? "JSON merge patch body" : "JSON body"}</h4>
          <div className="mt-1.5">
            <SchemaLink schema={body} />
          </div>
        </section>
      )}

      <section className="mt-4">
        <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Responses</h4>
        <ul className="mt-1.5 space-y-1 text-sm">
          {Object.entries(operation.responses ?? {}).map(([status, response]) => {
            const schema = response.content?.["application/json"]?.schema;
            return (
              <li key={status}>
                <span className={cx("font-mono font-medium", status.startsWith("2") ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-700 dark:text-zinc-300")}>{status}</span>
                {schema && (
                  <span className="ml-2">
                    <SchemaLink schema={schema} />
                  </span>
                )}
                <span className="ml-2 text-zinc-600 dark:text-zinc-400">{response.description}</span>
              </li>
            );
          })}
        </ul>
      </section>
    </article>
  );
}

export { SchemaView };
