// The parts of JSON Schema (OpenAPI 3.1's dialect) the API reference shows.
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
}

export function refName(ref: string): string {
  return ref.replace(/^#\/components\/schemas\//, "");
}

/** A one-line type: "string", "integer (1–200)", "Registry", "string or null", "array of Application". */
export function typeLabel(schema: JsonSchema): string {
  if (schema.$ref) return refName(schema.$ref);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeLabel).join(" or ");
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const base = types.filter((type) => type !== "null");
  let label = base
    .map((type) => {
      if (type === "array") return `array of ${schema.items ? typeLabel(schema.items) : "any"}`;
      if (type === "object" && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === "object") return `map of ${typeLabel(schema.additionalProperties)}`;
      return type;
    })
    .join(" or ");
  if (!label) label = "any";
  if (schema.format) label += ` (${schema.format})`;
  if (types.includes("null")) label += " or null";
  return label;
}

export function constraints(schema: JsonSchema): string[] {
  const notes: string[] = [];
  if (schema.minLength !== undefined) notes.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) notes.push(`max length ${schema.maxLength}`);
  if (schema.minimum !== undefined) notes.push(`min ${schema.minimum}`);
  if (schema.maximum !== undefined) notes.push(`max ${schema.maximum}`);
  if (schema.maxItems !== undefined) notes.push(`at most ${schema.maxItems} items`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  return notes;
}
