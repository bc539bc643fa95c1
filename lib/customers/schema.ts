// Inputs of the customer forms, shared by the browser and the server.
import { z } from "zod";
import { isCalendarDay, LAST_DAY } from "@/lib/time/calendar-day";

const ID = z.string().min(1).max(64);

export const ZCustomerName = z.string().trim().min(1, { error: "Enter the customer's name." }).max(120, { error: "Customer name must be at most 120 characters." });

export const ZCustomerEmail = z
  .string()
  .trim()
  .max(254, { error: "Email must be at most 254 characters." })
  .refine((value) => value === "" || z.email().safeParse(value).success, { error: "Enter an email address like ops@customer.example, or leave it empty." })
  .transform((value) => (value === "" ? null : value.toLowerCase()));

/**
 * The last day the license works, as YYYY-MM-DD (an <input type="date">), or
 * empty for no expiry. The license stops working at the end of that day, UTC.
 */
const ZLicenseExpiresOnFormat = z
  .string()
  .trim()
  .refine((value) => value === "" || isCalendarDay(value), { error: `Enter the expiry as a date up to ${LAST_DAY}, or leave it empty for no expiry.` });

const toNullable = (value: string) => (value === "" ? null : value);

/** New licenses must not be born expired. */
export const ZLicenseExpiresOn = ZLicenseExpiresOnFormat.refine((value) => value === "" || Date.parse(`${value}T00:00:00Z`) + DAY_MS > Date.now(), {
  error: "The expiry date has already passed; pick today or a later day, or leave it empty.",
}).transform(toNullable);

/** Editing keeps a past date possible, so an expired customer's name can change without reviving it. */
const ZEditedLicenseExpiresOn = ZLicenseExpiresOnFormat.transform(toNullable);

const DAY_MS = 24 * 60 * 60 * 1000;

// As for registries, two schemas with the same checks and the same output:
// the *Input one for the server (actions, the API), where email and expiry
// may be left out (no email, no expiry), and the *Form one for the form's
// zodResolver, which always has every field.
export const ZCreateCustomerForm = z.object({ name: ZCustomerName, email: ZCustomerEmail, expiresOn: ZLicenseExpiresOn });
export const ZCreateCustomerInput = z.object({ applicationId: ID, name: ZCustomerName, email: ZCustomerEmail.prefault(""), expiresOn: ZLicenseExpiresOn.prefault("") });
export type TCreateCustomerInput = z.input<typeof ZCreateCustomerInput>;

export const ZUpdateCustomerInput = z.object({ customerId: ID, name: ZCustomerName, email: ZCustomerEmail, expiresOn: ZEditedLicenseExpiresOn });
export type TUpdateCustomerInput = z.input<typeof ZUpdateCustomerInput>;

export const ZCustomerIdInput = z.object({ customerId: ID });

/** The moment a license with this last day stops working: the next midnight, UTC. */
export function expiryFromDate(expiresOn: string | null): Date | null {
  return expiresOn === null ? null : new Date(Date.parse(`${expiresOn}T00:00:00Z`) + DAY_MS);
}

/** The inverse, for the edit form: the last day the license works. */
export function dateFromExpiry(expiresAt: Date | null): string {
  return expiresAt === null ? "" : new Date(expiresAt.getTime() - DAY_MS).toISOString().slice(0, 10);
}
