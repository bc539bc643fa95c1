import { z } from "zod";

export const ZApplicationName = z
  .string()
  .trim()
  .min(1, { error: "Enter an application name." })
  .max(80, { error: "Application name must be at most 80 characters." });

export const ZCreateApplicationInput = z.object({ name: ZApplicationName });
export type TCreateApplicationInput = z.infer<typeof ZCreateApplicationInput>;

export const ZRenameApplicationInput = z.object({ applicationId: z.string().min(1).max(64), name: ZApplicationName });
export type TRenameApplicationInput = z.infer<typeof ZRenameApplicationInput>;

/** URL slug from a name: lower-case ASCII letters, digits and dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
  return slug || "app";
}
