// Examples of the REST API's bodies, generated from the same zod schemas the
// OpenAPI document is generated from: a schema's own `example` (meta) where
// it has one, otherwise built from its shape (the first variant of a union,
// a date-time for a timestamp, the minimum of a bounded number...). The
// document shows one for every request and response body; openapi.test.ts
// checks each against its schema. Pure.
import type { z } from "zod";

const EXAMPLE_TIME = "2026-01-15T12:00:00.000Z";

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

function stringExample(schema: z.ZodType): string {
  const { format, minLength } = schema as unknown as { format?: string | null; minLength?: number | null };
  if (format === "datetime") return EXAMPLE_TIME;
  if (format === "email") return "ops@customer.example";
  if (format === "uuid") return "0b6b1c52-8f6e-4c43-9d3e-2f0b1de5a9c7";
  const text = "string";
  return minLength && minLength > text.length ? text.padEnd(minLength, "x") : text;
}

/** An example value of what a client sends (input) or receives for this schema. */
export function exampleOf(schema: z.ZodType): unknown {
  const own = schema.meta()?.example;
  if (own !== undefined) return own;
  const def = defOf(schema);
  switch (def.type) {
    case "object": {
      const shape = (schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
      // Optional fields are shown only when they have an example of their own.
      return Object.fromEntries(
        Object.entries(shape).flatMap(([key, field]) => (defOf(field).type === "optional" && field.meta()?.example === undefined ? [] : [[key, exampleOf(field)]])),
      );
    }
    case "array":
      return [exampleOf(def.element as z.ZodType)];
    case "union":
      return exampleOf((def.options as z.ZodType[])[0]!);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
      return exampleOf(def.innerType as z.ZodType);
    case "pipe":
      return exampleOf(def.in as z.ZodType);
    case "enum":
      return Object.values(def.entries as Record<string, unknown>)[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "string":
      return stringExample(schema);
    case "number": {
      const { minValue } = schema as unknown as { minValue?: number | null };
      return typeof minValue === "number" && Number.isFinite(minValue) ? minValue : 1;
    }
    case "boolean":
      return true;
    case "null":
      return null;
    case "record":
    case "unknown":
    case "any":
      return {};
    default:
      throw new Error(`exampleOf: no example for a ${def.type} schema; give it one with .meta({ example })`);
  }
}
