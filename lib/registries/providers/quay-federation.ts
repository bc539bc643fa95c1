// Quay keyless: robot account federation. The robot's federation entries
// (issuer + subject, set in Quay's UI under the robot's "Set robot
// federation", or with its API) let the portal exchange its own token for a
// short-lived robot token at /oauth2/federation/robot/token. Quay checks the
// issuer and the subject (not the audience), so the guide insists on the
// exact subject. The commands use Quay's API with an OAuth token of an
// organisation admin ($QUAY_TOKEN). Pure.
import type { FederationSetupValues, ProviderFederation } from "@/lib/registries/providers/types";

/** Quay's API base: the registry's host (or the stand-in in local mode). */
function apiBase(values: FederationSetupValues): string {
  return values.localEndpoints[values.hostname] ?? `https://${values.hostname}`;
}

function robotParts(robot: string | undefined): { organisation: string; name: string; full: string } {
  const [organisation, name] = (robot || "<organisation>+<robot>").split("+");
  return { organisation: organisation || "<organisation>", name: name || "<robot>", full: robot || "<organisation>+<robot>" };
}

function setupGuide(values: FederationSetupValues) {
  const base = apiBase(values);
  const robot = robotParts(values.settings.username);
  const repository = values.repository ?? `${robot.organisation}/<repository>`;
  const auth = `-H "Authorization: Bearer $QUAY_TOKEN"`;
  const federation = JSON.stringify([{ issuer: values.issuerUrl, subject: values.subject }]);
  return {
    steps: [
      {
        title: "Create the robot account (or use an existing one)",
        body: `Organisation ${robot.organisation} > Robot Accounts > Create Robot Account, or with Quay's API. $QUAY_TOKEN is an OAuth token of an organisation administrator (Organisation settings > OAuth Applications > Generate token, with "Administer Organization"). The robot's own token is never needed.`,
        command: `curl -fsS -X PUT ${auth} \\\n  ${base}/api/v1/organization/${robot.organisation}/robots/${robot.name}`,
      },
      {
        title: "Give it Read on the repositories",
        body: "Each repository the portal pulls: Settings > User and Robot Permissions > the robot > Read (or the organisation's default permissions).",
        command: `curl -fsS -X PUT ${auth} -H "Content-Type: application/json" \\\n  ${base}/api/v1/repository/${repository}/permissions/user/${robot.full} \\\n  --data '{"role":"read"}'`,
      },
      {
        title: "Trust the portal's token for your team only (robot federation)",
        body: `The robot's federation: issuer ${values.issuerUrl}, subject exactly ${values.subject} (your team). Quay matches both; any other subject would let another team of this portal pull as this robot. In the UI: Robot Accounts > the robot > Set robot federation. This request replaces the robot's federation entries.`,
        command: `curl -fsS -X POST ${auth} -H "Content-Type: application/json" \\\n  ${base}/api/v1/organization/${robot.organisation}/robots/${robot.name}/federation \\\n  --data '${federation}'`,
      },
    ],
    minimumPermission: "Read on each repository the portal pulls, for the robot with the federation entry.",
    pullScope: `repository:${repository}:pull`,
    artefacts: [],
  };
}

/** Quay's answers at the federation endpoint ({"error": …}, the text unchanged). */
function diagnoseExchange(refusal: { httpStatus: number; code?: string | undefined; message?: string | undefined }, context: { hostname: string; subject: string; settings: { username?: string | undefined } }) {
  const text = refusal.message ?? refusal.code ?? "";
  const robot = context.settings.username ?? "the robot";
  if (refusal.httpStatus === 404) return { summary: `${context.hostname} has no robot federation endpoint (/oauth2/federation/robot/token answered 404).`, fix: "Robot account federation needs a Quay version that offers it (quay.io does); on an older self-hosted Quay, use a robot token instead." };
  if (/does not have federated login configured/i.test(text)) return { summary: `The robot ${robot} has no federation configured (Quay: "${text}").`, fix: "Add the federation entry shown in the setup guide (issuer and your team's subject) to the robot." };
  if (/not configured for this robot/i.test(text)) return { summary: `The robot ${robot} does not trust the portal's issuer (Quay: "${text}").`, fix: "The federation entry's issuer must be the portal's issuer URL exactly as shown in the setup guide." };
  if (/does not match robot/i.test(text)) return { summary: `The robot's federation does not name your team's subject ${context.subject} (Quay: "${text}").`, fix: `Set the federation entry's subject to exactly ${context.subject}, as in the setup guide.` };
  if (/could not find robot|invalid robot/i.test(text)) return { summary: `Quay has no robot ${robot} (Quay: "${text}").`, fix: "Check the robot account's full name, organisation+name, as Quay shows it under Robot Accounts." };
  if (/^invalid token/i.test(text)) return { summary: `Quay refused the portal's token (Quay: "${text}").`, fix: "Quay could not verify the token against the portal's published keys; the portal's issuer must be reachable from Quay over HTTPS. Ask the portal's operator if it persists." };
  return null;
}

export const quayFederation: ProviderFederation = {
  audience: ({ hostname }) => hostname,
  checkTarget: ({ hostname, settings }) => (settings.username ? `quay:${hostname}/${settings.username}` : null),
  exchangeTitle: "Exchange the portal's token for a robot token (Quay robot federation)",
  diagnoseExchange,
  unsafe: ({ stranger, subject, settings }) => ({
    summary: `Unsafe: Quay gave a robot token for ${stranger}, which is not your team, so any team of this portal could pull as ${settings.username ?? "the robot"}.`,
    fix: `Keep only the federation entry with the portal's issuer and the subject exactly ${subject} on the robot (Robot Accounts > the robot > Set robot federation), then test again.`,
  }),
  setupGuide,
};
