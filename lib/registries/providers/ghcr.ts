// GitHub Container Registry: a GitHub username and a classic personal access
// token with read:packages (fine-grained tokens do not work with GHCR).
import { basicAuthType, checkBasicCredentials } from "@/lib/registries/providers/basic-auth";
import { fail } from "@/lib/registries/providers/hostname";
import type { RegistryProviderModule } from "@/lib/registries/providers/types";

export const ghcrProvider: RegistryProviderModule = {
  id: "ghcr",
  label: "GitHub Container Registry",
  description: "Images on ghcr.io, with a classic personal access token that has read:packages.",
  hostnamePlaceholder: "ghcr.io",
  hostnameHelp: "Always ghcr.io.",
  fixedHostname: "ghcr.io",
  authTypes: [
    basicAuthType({
      label: "Classic personal access token",
      hint: "A GitHub username and a classic token with read:packages. Fine-grained tokens do not work with GHCR.",
      usernameLabel: "GitHub username",
      usernameHelp: "The account that owns the token (a machine user is best).",
      usernamePlaceholder: "acme-bot",
      passwordLabel: "Classic token",
      passwordHelp: "ghp_… from GitHub > Settings > Developer settings > Personal access tokens > Tokens (classic), with the read:packages scope. Fine-grained tokens (github_pat_…) do not work with GHCR.",
    }),
  ],
  ownsHostname: (hostname) => hostname.trim().toLowerCase() === "ghcr.io",
  parseHostname: (input) => {
    const value = input.trim().toLowerCase().replace(/^https:\/\//, "").replace(/\/+$/, "");
    return value === "ghcr.io" ? { ok: true, value } : fail("GitHub Container Registry's hostname is ghcr.io. For GitHub Enterprise Server's registry pick Other.");
  },
  apiHostname: (hostname) => hostname,
  checkCredentials(values, needsSecret) {
    const issues = checkBasicCredentials(values, needsSecret, {
      username: "GitHub username",
      password: "classic token",
      usernamePattern: { pattern: /^[a-z0-9](?:[a-z0-9-]{0,38})$/i, message: "Enter the GitHub username (letters, digits and dashes), e.g. acme-bot." },
    });
    if (needsSecret && values.password.startsWith("github_pat_")) {
      issues.push({ field: "password", message: "This is a fine-grained token (github_pat_…); GHCR accepts only classic tokens. Create a classic token with read:packages under Developer settings > Personal access tokens > Tokens (classic)." });
    }
    return issues;
  },
  setupGuide: ({ repository }) => ({
    steps: [
      { title: "Create a classic token", body: "GitHub > Settings > Developer settings > Personal access tokens > Tokens (classic) > Generate new token (classic). Select only read:packages. Fine-grained tokens do not work with GHCR." },
      { title: "Give the account access to the package", body: "Organisation packages: the package's Package settings > Manage access > add the user with Read." },
      { title: "Check it locally", body: "The token must log in and pull:", command: `echo "$TOKEN" | docker login ghcr.io -u <username> --password-stdin\ndocker pull ghcr.io/${repository ?? "<owner>/<image>"}:<tag>` },
    ],
    minimumPermission: "read:packages, and Read on the package.",
    pullScope: `repository:${repository ?? "<owner>/<image>"}:pull`,
  }),
  login: { kind: "oci" },
  terms: {
    credential: "classic token",
    wrongCredentials: { summary: "GHCR refused the username and token.", fix: "Use a classic personal access token (ghp_…) with read:packages that has not expired or been revoked; fine-grained tokens do not work with GHCR." },
    noPullPermission: (repository) => ({ summary: `The token may not pull ${repository}.`, fix: "Check that the token has the read:packages scope and that its user has Read access to the package (Package settings > Manage access)." }),
    unknownRepository: (repository) => ({ summary: `GHCR has no package ${repository} this token can see.`, fix: "Check the owner and image name as in ghcr.io/<owner>/<image>; a package the user cannot read also looks missing." }),
  },
};
