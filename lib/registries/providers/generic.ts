// Harbor, Sonatype Nexus, JFrog Artifactory and any other OCI registry: a
// hostname with an optional port, username + password or token, or anonymous
// access for public images. The flavor (a setting) only shapes the guide.
import { basicAuthType, checkBasicCredentials } from "@/lib/registries/providers/basic-auth";
import { parseRegistryHostname } from "@/lib/registries/providers/hostname";
import type { GenericFlavor, GuideStep, RegistryProviderModule } from "@/lib/registries/providers/types";

export const GENERIC_FLAVOR_LABEL: Record<GenericFlavor, string> = { harbor: "Harbor", nexus: "Sonatype Nexus", jfrog: "JFrog Artifactory", other: "Other OCI registry" };

const FLAVOR_STEPS: Record<GenericFlavor, GuideStep[]> = {
  harbor: [
    { title: "Create a robot account", body: "Harbor > the project > Robot Accounts > New Robot Account, with the Pull repository permission only. Its name (robot$project+name) is the username and its secret the token." },
  ],
  nexus: [
    { title: "Create a pull user", body: "Nexus > Security > Users: a user with a role holding nx-repository-view-docker-<repository>-read and -browse. Enable the Docker Bearer Token Realm under Security > Realms." },
  ],
  jfrog: [
    { title: "Create an access token", body: "Artifactory > Administration > User Management > Access Tokens (or a user's Set Me Up > Docker), with Read on the Docker repository. The username is the token's user." },
  ],
  other: [{ title: "Create a read-only credential", body: "A user or robot that may only pull from the repositories the portal uses, and its password or token." }],
};

export const genericProvider: RegistryProviderModule = {
  id: "generic",
  label: "Harbor, Nexus, JFrog or other",
  description: "Any registry that speaks the OCI distribution API, with a username and password or token, or anonymously.",
  hostnamePlaceholder: "registry.example.com",
  hostnameHelp: "The registry's hostname, with :port when it is not 443, e.g. harbor.example.com or nexus.example.com:8443.",
  authTypes: [
    basicAuthType({
      label: "Username and password or token",
      hint: "A read-only user or robot account, stored encrypted.",
      usernameLabel: "Username",
      usernameHelp: "The user or robot name (Harbor robots: robot$project+name).",
      passwordLabel: "Password or token",
      passwordHelp: "Its password or access token (preferably a token with pull permission only).",
    }),
    { id: "anonymous", label: "Anonymous", hint: "No credentials: for public images the registry serves to anyone.", fields: [] },
  ],
  ownsHostname: () => false,
  parseHostname: (input) => parseRegistryHostname(input, "registry.example.com or registry.example.com:5000"),
  apiHostname: (hostname) => hostname,
  checkCredentials: (values, needsSecret) => (values.authType === "anonymous" ? [] : checkBasicCredentials(values, needsSecret, { username: "username", password: "password or token" })),
  setupGuide: ({ hostname, repository, flavor }) => ({
    steps: [
      ...FLAVOR_STEPS[flavor ?? "other"],
      { title: "Check it locally", body: "The credential must log in and pull:", command: `docker login ${hostname || "registry.example.com"} -u <username>\ndocker pull ${hostname || "registry.example.com"}/${repository ?? "<repository>"}:<tag>` },
    ],
    minimumPermission: "Pull (read) on the repositories the portal uses.",
    pullScope: `repository:${repository ?? "<repository>"}:pull`,
  }),
  login: { kind: "oci" },
  terms: {
    credential: "password or token",
    wrongCredentials: { summary: "The registry refused the username and password or token.", fix: "Check the username and the password or token (it may have expired or been revoked), then enter it again." },
    noPullPermission: (repository) => ({ summary: `The credential may not pull ${repository}.`, fix: `Give the user or robot the pull (read) permission on ${repository}.` }),
    unknownRepository: (repository) => ({ summary: `The registry has no repository ${repository} this credential can see.`, fix: "Check the repository path exactly as the registry shows it (Harbor: <project>/<repository>)." }),
  },
};
