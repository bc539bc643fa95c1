// The email preferences form's input. Pure.
import { z } from "zod";
import { EVENT_TYPE_INFO, NOTIFICATION_EVENT_TYPES } from "@/lib/notifications/event-types";

const EMAILABLE = NOTIFICATION_EVENT_TYPES.filter((type) => EVENT_TYPE_INFO[type].emailable);

export const ZEmailPreferencesInput = z.object(Object.fromEntries(EMAILABLE.map((type) => [type, z.boolean({ error: `${type} must be true or false.` })])) as Record<(typeof EMAILABLE)[number], z.ZodBoolean>);
export type TEmailPreferencesInput = z.infer<typeof ZEmailPreferencesInput>;
