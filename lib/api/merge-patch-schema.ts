// The documented body of a PATCH: every field of the resource's update body
// optional and nullable (null empties it), built from that body's schema,
// for an object or a union of variants (a registry's providers). Requests
// are validated after merging, with the form's schema (lib/api/merge-patch.ts).
import { z } from "zod";

type ObjectSchema = z.ZodObject<z.ZodRawShape>;

const optionValues = (field: z.ZodType): string[] | null => {
  if (field instanceof z.ZodLiteral) return [...field.values].map(String);
  if (field instanceof z.ZodEnum) return field.options.map(String);
  return null;
};

/** The union of the variants' fields; a field the variants give different literals or enums becomes one enum of them all. */
function mergedShape(variants: readonly ObjectSchema[]): Record<string, z.ZodType> {
  const byKey = new Map<string, z.ZodType[]>();
  for (const variant of variants) for (const [key, field] of Object.entries(variant.shape)) byKey.set(key, [...(byKey.get(key) ?? []), field as z.ZodType]);
  return Object.fromEntries(
    [...byKey].map(([key, fields]) => {
      const values = fields.map(optionValues);
      if (fields.length > 1 && values.every((entry) => entry !== null)) {
        const description = fields.map((field) => field.meta()?.description).find(Boolean);
        return [key, z.enum([...new Set(values.flat() as string[])] as [string, ...string[]]).meta(description ? { description } : {})];
      }
      return [key, fields[0]!];
    }),
  );
}

export function mergePatchSchemaOf(body: ObjectSchema | { options: readonly ObjectSchema[] }, id: string, description: string) {
  const shape = mergedShape("options" in body ? body.options : [body]);
  const schema = z.object(Object.fromEntries(Object.entries(shape).map(([key, field]) => [key, field.nullable().optional()]))).meta({ id, description });
  return { schema, fields: Object.keys(shape) };
}
