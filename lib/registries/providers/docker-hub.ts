// Docker Hub: a username and a personal (or organisation) access token,
// logged in at auth.docker.io's token service.
import { basicAuthType, checkBasicCredentials } from "@/lib/registries/providers/basic-auth";
import { fail } from "@/lib/registries/providers/hostname";
import type { RegistryProviderModule } from "@/lib/registries/providers/types";

const HOSTNAMES = ["docker.io", "registry-1.docker.io", "index.docker.io", "registry.hub.docker.com", "hub.docker.com"];

export const dockerHubProvider: RegistryProviderModule = {
  id: "docker-hub",
  label: "Docker Hub",
  description: "Private repositories on Docker Hub, with a personal or organisation access token.",
  hostnamePlaceholder: "docker.io",
  hostnameHelp: "Always docker.io; the portal talks to registry-1.docker.io.",
  fixedHostname: "docker.io",
  authTypes: [
    basicAuthType({
      label: "Access token",
      hint: "Your Docker ID (or organisation name) and an access token with Read-only (public repositories: Public repo read-only) access.",
      usernameLabel: "Docker ID",
      usernameHelp: "The account or organisation name that owns the token, as in docker login (not your email address).",
      usernamePlaceholder: "acme",
      passwordLabel: "Access token",
      passwordHelp: "dckr_pat_… from Account settings > Personal access tokens (or the organisation's Access tokens). Your password also works but is not recommended.",
    }),
  ],
  ownsHostname: (hostname) => HOSTNAMES.includes(hostname.trim().toLowerCase()),
  parseHostname: (input) => {
    const value = input.trim().toLowerCase().replace(/^https:\/\//, "").replace(/\/+$/, "");
    return HOSTNAMES.includes(value) ? { ok: true, value: "docker.io" } : fail("Docker Hub's hostname is docker.io. For another registry, pick its provider (or Other).");
  },
  apiHostname: () => "registry-1.docker.io",
  checkCredentials: (values, needsSecret) =>
    checkBasicCredentials(values, needsSecret, {
      username: "Docker ID",
      password: "access token",
      usernamePattern: { pattern: /^[a-z0-9][a-z0-9_.-]{1,63}$/i, message: "Enter your Docker ID (e.g. acme), not an email address." },
    }),
  setupGuide: ({ repository }) => ({
    steps: [
      { title: "Create an access token", body: "Docker Hub > Account settings > Personal access tokens > Generate new token. Access permissions: Read-only. (Organisations: Organization settings > Access tokens, with Read access to the repositories the portal pulls.)" },
      { title: "Check it locally", body: "The token must log in and pull:", command: `echo "$TOKEN" | docker login -u <Docker ID> --password-stdin\ndocker pull docker.io/${repository ?? "<namespace>/<repository>"}:<tag>` },
      { title: "Enter it here", body: "Docker ID and the token; the token is stored encrypted and never shown again." },
    ],
    minimumPermission: "Read-only access to the repositories the portal pulls.",
    pullScope: `repository:${repository ?? "<namespace>/<repository>"}:pull (service registry.docker.io)`,
  }),
  login: { kind: "oci" },
  terms: {
    credential: "access token",
    wrongCredentials: { summary: "Docker Hub refused the Docker ID and access token.", fix: "Check the Docker ID (not your email) and that the access token is active under Account settings > Personal access tokens; generate a new one if it was revoked or expired." },
    noPullPermission: (repository) => ({
      summary: `The access token may not pull ${repository}.`,
      fix: `Give the token Read-only access (organisation tokens: add ${repository} to the token's repositories), and check that the Docker ID is a member of the repository's organisation.`,
    }),
    unknownRepository: (repository) => ({ summary: `Docker Hub has no repository ${repository} this token can see.`, fix: "Check the namespace and repository name (docker.io/<namespace>/<repository>); official images are library/<name>." }),
  },
};
