import { constraints, refName, typeLabel, type JsonSchema } from "@/components/api-reference/json-schema";

/** A reference to a named schema, linking to its definition lower on the page. */
export function SchemaLink({ schema }: { schema: JsonSchema }) {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a href={`#schema-${name}`} className="font-mono text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
        {name}
      </a>
    );
  }
  const inner = schema.items ?? (schema.anyOf ?? schema.oneOf)?.find((variant) => variant.$ref);
  if (inner?.$ref) {
    return (
      <span className="font-mono">
        {typeLabel(schema).replace(refName(inner.$ref), "")}
        <SchemaLink schema={inner} />
      </span>
    );
  }
  return <span className="font-mono">{typeLabel(schema)}</span>;
}

/** An object's properties as a list: name, type, required, constraints and description; nested objects indented. */
export function SchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const properties = schema.properties ?? (schema.items?.properties ? schema.items.properties : undefined);
  const required = new Set(schema.properties ? schema.required : schema.items?.required);
  if (!properties || depth > 4) {
    return (
      <p className="text-sm">
        <SchemaLink schema={schema} />
        {schema.description && <span className="ml-2 text-zinc-600 dark:text-zinc-400">{schema.description}</span>}
      </p>
    );
  }
  return (
    <ul className={depth > 0 ? "mt-1 space-y-1 border-l border-zinc-200 pl-4 dark:border-zinc-800" : "space-y-1.5"}>
      {Object.entries(properties).map(([name, property]) => {
        const notes = constraints(property);
        const nested = !property.$ref && (property.properties || property.items?.properties);
        return (
          <li key={name} className="text-sm">
            <span className="font-mono font-medium">{name}</span>
            <span className="ml-2 text-xs text-zinc-600 dark:text-zinc-400">
              <SchemaLink schema={nested ? { ...property, properties: undefined, items: property.items ? { type: "object" } : undefined } : property} />
              {required.has(name) ? <span className="ml-1.5 font-medium text-amber-700 dark:text-amber-400">required</span> : <span className="ml-1.5">optional</span>}
              {notes.length > 0 && <span className="ml-1.5">· {notes.join(", ")}</span>}
            </span>
            {property.description && <p className="text-zinc-600 dark:text-zinc-400">{property.description}</p>}
            {nested && <SchemaView schema={property} depth={depth + 1} />}
          </li>
        );
      })}
    </ul>
  );
}
