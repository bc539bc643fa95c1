// The customer's sign-in form, shared by the browser and the server.
import { z } from "zod";

export const ZCustomerSignInInput = z.object({
  licenseId: z.string().trim().min(1, { error: "Enter the license ID your vendor gave you." }).max(200, { error: "A license ID is shorter than that; paste just the license ID." }),
});
export type TCustomerSignInInput = z.input<typeof ZCustomerSignInInput>;

/** The vendor's switch for an application's customer page. */
export const ZCustomerPageSettingInput = z.object({ applicationId: z.string().min(1).max(64), enabled: z.boolean() });
export type TCustomerPageSettingInput = z.input<typeof ZCustomerPageSettingInput>;
