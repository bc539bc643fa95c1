// GitLab's container registry (registry.gitlab.com or self-managed): a
// deploy token with read_registry, or an access token with read_registry.
import { basicAuthType, checkBasicCredentials } from "@/lib/registries/providers/basic-auth";
import { fail, parseRegistryHostname } from "@/lib/registries/providers/hostname";
import type { RegistryProviderModule } from "@/lib/registries/providers/types";

export const gitlabProvider: RegistryProviderModule = {
  id: "gitlab",
  label: "GitLab",
  description: "registry.gitlab.com or your GitLab's registry, with a deploy token or an access token.",
  hostnamePlaceholder: "registry.gitlab.com",
  hostnameHelp: "registry.gitlab.com, or your GitLab's registry hostname (often registry.gitlab.example.com, or gitlab.example.com:5050).",
  authTypes: [
    basicAuthType({
      label: "Deploy token or access token",
      hint: "A deploy token (read_registry) is best; a project, group or personal access token with read_registry also works.",
      usernameLabel: "Username",
      usernameHelp: "The deploy token's username (gitlab+deploy-token-123 unless you chose one); for an access token, any non-empty name (e.g. the bot user).",
      usernamePlaceholder: "gitlab+deploy-token-123",
      passwordLabel: "Token",
      passwordHelp: "The deploy token (gldt-…) or access token (glpat-…), with read_registry.",
    }),
  ],
  ownsHostname: (hostname) => hostname.trim().toLowerCase() === "registry.gitlab.com",
  parseHostname: (input) => {
    const value = input.trim().toLowerCase();
    if (value === "gitlab.com") return fail("GitLab.com's registry is registry.gitlab.com; enter that.");
    return parseRegistryHostname(input, "registry.gitlab.com or registry.gitlab.example.com");
  },
  apiHostname: (hostname) => hostname,
  checkCredentials: (values, needsSecret) => checkBasicCredentials(values, needsSecret, { username: "username", password: "token" }),
  setupGuide: ({ hostname, repository }) => ({
    steps: [
      { title: "Create a deploy token", body: "Your project (or group) > Settings > Repository > Deploy tokens > Add token. Scope: read_registry only. Copy the username and the token." },
      { title: "Or an access token", body: "Settings > Access tokens (project or group; Role: Reporter or higher) with scope read_registry." },
      { title: "Check it locally", body: "The token must log in and pull:", command: `echo "$TOKEN" | docker login ${hostname || "registry.gitlab.com"} -u <username> --password-stdin\ndocker pull ${hostname || "registry.gitlab.com"}/${repository ?? "<group>/<project>"}:<tag>` },
    ],
    minimumPermission: "read_registry (access tokens: role Reporter or higher on the project).",
    pullScope: `repository:${repository ?? "<group>/<project>"}:pull`,
  }),
  login: { kind: "oci" },
  terms: {
    credential: "deploy token",
    wrongCredentials: { summary: "GitLab refused the username and token.", fix: "Check the deploy token's username (gitlab+deploy-token-N) and token, and that it has not expired or been revoked (Settings > Repository > Deploy tokens)." },
    noPullPermission: (repository) => ({ summary: `The token may not pull ${repository}.`, fix: "Give the token the read_registry scope; a deploy token only reads the project (or group) it was created in, and an access token needs Reporter or higher." }),
    unknownRepository: (repository) => ({ summary: `GitLab has no registry repository ${repository} this token can see.`, fix: "The repository is the project path (group/project, plus any image name below it), in lower case." }),
  },
};
