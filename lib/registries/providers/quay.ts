// Quay (quay.io and self-hosted Red Hat Quay): a robot account org+name,
// keyless through its federation (quay-federation.ts) or with its token.
import { basicAuthType, checkBasicCredentials } from "@/lib/registries/providers/basic-auth";
import { federatedAuthType } from "@/lib/registries/providers/federated";
import { parseRegistryHostname } from "@/lib/registries/providers/hostname";
import { quayFederation } from "@/lib/registries/providers/quay-federation";
import type { RegistryProviderModule } from "@/lib/registries/providers/types";

const ROBOT_NAME = /^[a-z0-9][a-z0-9._-]*\+[a-z0-9][a-z0-9_]*$/;

export const quayProvider: RegistryProviderModule = {
  id: "quay",
  label: "Quay",
  description: "quay.io or your own Red Hat Quay, keyless (robot federation) or with a robot token.",
  hostnamePlaceholder: "quay.io",
  hostnameHelp: "quay.io, or your Quay's hostname (with :port if not 443).",
  authTypes: [
    federatedAuthType({
      hint: "The robot's federation trusts the portal's own token for your team; no robot token is stored. Needs Read on the repositories.",
      fields: [{ name: "username", label: "Robot account", help: "The robot's full name, organisation+name, e.g. acme+portal.", placeholder: "acme+portal", secret: false }],
    }),
    basicAuthType({
      label: "Robot account and token",
      hint: "A robot account (org+name) and its token, with Read on the repositories.",
      usernameLabel: "Robot account",
      usernameHelp: "The robot's full name, organisation+name, e.g. acme+portal.",
      usernamePlaceholder: "acme+portal",
      passwordLabel: "Robot token",
      passwordHelp: "From the organisation's Robot Accounts > the robot > Robot Account Token.",
    }),
  ],
  ownsHostname: (hostname) => hostname.trim().toLowerCase() === "quay.io",
  parseHostname: (input) => parseRegistryHostname(input, "quay.io or quay.example.com"),
  apiHostname: (hostname) => hostname,
  checkCredentials: (values, needsSecret) =>
    checkBasicCredentials(values, needsSecret && values.authType === "basic", {
      username: "robot account",
      password: "robot token",
      usernamePattern: { pattern: ROBOT_NAME, message: "Enter the robot account as organisation+name, e.g. acme+portal (lower case, as Quay shows it)." },
    }),
  setupGuide: ({ hostname, repository }) => ({
    steps: [
      { title: "Create a robot account", body: "Quay > your organisation > Robot Accounts > Create Robot Account, e.g. portal." },
      { title: "Give it Read", body: "In the robot's permissions (or each repository's Settings > User and Robot Permissions), give it Read on the repositories the portal pulls." },
      { title: "Copy its token", body: "Robot Accounts > the robot > Robot Account Token; the username is organisation+name.", command: `docker login ${hostname || "quay.io"} -u "acme+portal" -p "$ROBOT_TOKEN"\ndocker pull ${hostname || "quay.io"}/${repository ?? "<organisation>/<repository>"}:<tag>` },
    ],
    minimumPermission: "Read on each repository the portal pulls.",
    pullScope: `repository:${repository ?? "<organisation>/<repository>"}:pull`,
  }),
  login: { kind: "oci" },
  federation: quayFederation,
  terms: {
    credential: "robot token",
    wrongCredentials: { summary: "Quay refused the robot account and token.", fix: "Check the robot name (organisation+name) and copy its token again from Robot Accounts; a regenerated token replaces the old one." },
    noPullPermission: (repository) => ({ summary: `The robot has no Read permission on ${repository}.`, fix: `Give the robot Read on ${repository} (repository Settings > User and Robot Permissions, or the organisation's default permissions).` }),
    unknownRepository: (repository) => ({ summary: `Quay has no repository ${repository} this robot can see.`, fix: "Check the organisation and repository name; a repository the robot cannot read also looks missing." }),
  },
};
