// What a notification email says: one line per event (what happened, where,
// and the one link to fix it) in plain text and HTML. Pure.
import { EVENT_TYPE_INFO, isNotificationEventType } from "@/lib/notifications/event-types";

export interface EmailEvent {
  type: string;
  createdAt: Date;
  payload: unknown;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface Line {
  title: string;
  detail: string;
  link: { label: string; url: string } | null;
}

type Any = Record<string, unknown> & { registry?: Record<string, unknown>; test?: Record<string, unknown> & { failedStep?: Record<string, unknown> | null }; customer?: Record<string, unknown>; apiToken?: Record<string, unknown>; endpoint?: Record<string, unknown> };

const str = (value: unknown) => (typeof value === "string" ? value : value === null || value === undefined ? "" : String(value));
const day = (value: unknown) => (typeof value === "string" && value ? new Date(value).toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, "") : "never");

function registryName(data: Any): string {
  return str(data.registry?.name) || str(data.registry?.hostname);
}

export function describeEvent(event: EmailEvent, appUrl: string): Line {
  const data = (event.payload ?? {}) as Any;
  const registryLink = data.registry ? { label: "Open the registry", url: str(data.registry.url) } : null;
  const customerLink = data.customer ? { label: "Open the customer", url: str(data.customer.url) } : null;
  switch (event.type) {
    case "registry.failing": {
      const step = data.test?.failedStep;
      return { title: `Registry ${registryName(data)} is failing`, detail: [str(data.test?.headline), step ? `Step "${str(step.title)}": ${str(step.summary)} ${str(step.fix)}`.trim() : ""].filter(Boolean).join(" "), link: registryLink };
    }
    case "registry.recovered":
      return { title: `Registry ${registryName(data)} works again`, detail: str(data.test?.headline), link: registryLink };
    case "registry.unsafe":
      return { title: `Registry ${registryName(data)} trusts strangers`, detail: str(data.test?.headline), link: registryLink };
    case "registry.stale":
      return { title: `Registry ${registryName(data)} has not been verified since ${day(data.lastTestedAt)}`, detail: "Its scheduled re-test did not run or did not finish. Run its Test to see why.", link: registryLink };
    case "customer.license_expiring":
      return { title: `${str(data.customer?.name)}'s license for ${str(data.customer?.applicationName)} expires on ${day(data.customer?.expiresAt)}`, detail: `In ${str(data.daysLeft)} day(s). Extend it to keep their pulls working.`, link: customerLink };
    case "customer.license_expired":
      return { title: `${str(data.customer?.name)}'s license for ${str(data.customer?.applicationName)} has expired`, detail: "Their pulls are refused until you extend it.", link: customerLink };
    case "customer.pulls_denied":
      return { title: `${str(data.customer?.name)}'s pulls were refused ${str(data.deniedCount)} times in the last hour`, detail: "The customer is probably stuck: check their license and its expiry.", link: customerLink };
    case "api_token.expiring":
      return { title: `API token ${str(data.apiToken?.name)} expires on ${day(data.apiToken?.expiresAt)}`, detail: "Create a new token and update the script that uses it.", link: { label: "Open API tokens", url: `${appUrl}/team/api-tokens` } };
    case "webhook.disabled":
      return { title: `Webhook endpoint ${str(data.endpoint?.url)} was disabled`, detail: `Every delivery failed since ${day(data.failingSince)}. Fix the endpoint, then enable it again.`, link: { label: "Open the endpoint", url: `${appUrl}/team/webhooks/${str(data.endpoint?.id)}` } };
    default:
      return { title: isNotificationEventType(event.type) ? EVENT_TYPE_INFO[event.type].label : event.type, detail: "", link: null };
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderEmail(teamName: string, events: readonly EmailEvent[], links: { appUrl: string; preferencesUrl: string }): EmailContent {
  const lines = events.map((event) => ({ ...describeEvent(event, links.appUrl), at: event.createdAt }));
  const subject = lines.length === 1 ? `[${teamName}] ${lines[0]!.title}` : `[${teamName}] ${lines.length} notifications: ${lines[lines.length - 1]!.title}`;
  const text = [
    `Team: ${teamName}`,
    "",
    ...lines.flatMap((line) => [`${line.title} (${line.at.toISOString()})`, ...(line.detail ? [line.detail] : []), ...(line.link ? [`${line.link.label}: ${line.link.url}`] : []), ""]),
    `Choose which emails you get: ${links.preferencesUrl}`,
  ].join("\n");
  const html = [
    `<p>Team: <strong>${escapeHtml(teamName)}</strong></p>`,
    ...lines.map((line) => `<p><strong>${escapeHtml(line.title)}</strong> <small>(${line.at.toISOString()})</small><br>${escapeHtml(line.detail)}${line.link ? `<br><a href="${escapeHtml(line.link.url)}">${escapeHtml(line.link.label)}</a>` : ""}</p>`),
    `<p><small><a href="${escapeHtml(links.preferencesUrl)}">Choose which emails you get</a></small></p>`,
  ].join("\n");
  return { subject, text, html };
}
