"use client";
// The rows of image rules in the customer's entitlements form and a channel's
// form: a registry of the application, a repository (exact or glob) and tag
// patterns typed as a comma-separated list. Both forms validate with the
// shared zod schemas (lib/entitlements/schema.ts) on the converted values.
import { useFieldArray, type Control, type FieldErrors, type FieldValues, type Resolver, type UseFormRegister } from "react-hook-form";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import type { TImageRule } from "@/lib/entitlements/schema";

export interface RuleValues {
  registryId: string;
  repository: string;
  /** "1.*, stable"; empty: every tag. */
  tags: string;
}

export interface RegistryOption {
  id: string;
  label: string;
}

export const EMPTY_RULE: RuleValues = { registryId: "", repository: "", tags: "" };

export function toRuleValues(rule: TImageRule): RuleValues {
  return { registryId: rule.registryId, repository: rule.repository, tags: rule.tags.join(", ") };
}

export function toRuleInputs(rules: RuleValues[]): { registryId: string; repository: string; tags: string[] }[] {
  return rules.map((rule) => ({ registryId: rule.registryId, repository: rule.repository, tags: rule.tags.split(/[\s,]+/).filter(Boolean) }));
}

/** A resolver that checks the form's values, converted to the input, with the input's own schema; errors land on the form's fields (a tag pattern's error on its rule's tags). */
export function schemaResolver<Values extends FieldValues>(schema: z.ZodType, toInput: (values: Values) => unknown): Resolver<Values> {
  return async (values) => {
    const parsed = schema.safeParse(toInput(values));
    if (parsed.success) return { values, errors: {} };
    const errors: Record<string, unknown> = {};
    for (const issue of parsed.error.issues) {
      const { message } = issue;
      const field = issue.path.join(".").replace(/^(rules\.\d+\.tags)\.\d+$/, "$1");
      const parts = field.split(".");
      let node = errors;
      parts.forEach((part, index) => {
        if (index === parts.length - 1) node[part] ??= { type: "validate", message };
        else node = (node[part] ??= {}) as Record<string, unknown>;
      });
    }
    return { values: {}, errors: errors as FieldErrors<Values> };
  };
}

type RulesForm = { rules: RuleValues[] };

export function RuleRows({ control, register, errors, registries, disabled }: { control: Control<RulesForm>; register: UseFormRegister<RulesForm>; errors: FieldErrors<RulesForm>; registries: RegistryOption[]; disabled?: boolean }) {
  const { fields, append, remove } = useFieldArray({ control, name: "rules" });
  const ruleErrors = errors.rules as unknown as ({ registryId?: { message?: string }; repository?: { message?: string }; tags?: { message?: string } } | undefined)[] | { message?: string } | undefined;
  const rowError = (index: number) => (Array.isArray(ruleErrors) ? ruleErrors[index] : undefined);
  return (
    <fieldset className="space-y-3" disabled={disabled}>
      <legend className="text-sm font-medium">Rules</legend>
      {fields.length === 0 && <p className="text-sm text-zinc-500 dark:text-zinc-400">No rules yet.</p>}
      {fields.map((field, index) => (
        <div key={field.id} className="grid items-start gap-3 rounded-md border border-zinc-200 p-3 sm:grid-cols-[1fr_1fr_1fr_auto] dark:border-zinc-800">
          <SelectField label={`Registry (rule ${index + 1})`} error={rowError(index)?.registryId?.message} {...register(`rules.${index}.registryId`)}>
            <option value="">Choose a registry</option>
            {registries.map((registry) => (
              <option key={registry.id} value={registry.id}>
                {registry.label}
              </option>
            ))}
          </SelectField>
          <TextField label="Repository" placeholder="vendor/enterprise-*" hint="Exact, or * within a path component, ** across." autoComplete="off" error={rowError(index)?.repository?.message} {...register(`rules.${index}.repository`)} />
          <TextField label="Tags (optional)" placeholder="1.*, stable" hint="Comma-separated; empty allows every tag." autoComplete="off" error={rowError(index)?.tags?.message} {...register(`rules.${index}.tags`)} />
          <Button type="button" variant="ghost" size="sm" className="sm:mt-7" onClick={() => remove(index)}>
            Remove<span className="sr-only"> rule {index + 1}</span>
          </Button>
        </div>
      ))}
      {!Array.isArray(ruleErrors) && ruleErrors?.message && <p className="text-sm text-red-600 dark:text-red-400">{ruleErrors.message}</p>}
      <Button type="button" variant="secondary" size="sm" onClick={() => append({ ...EMPTY_RULE, registryId: registries.length === 1 ? registries[0]!.id : "" })}>
        Add rule
      </Button>
    </fieldset>
  );
}
