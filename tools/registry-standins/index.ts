// Provider-shaped stand-ins for the registry tests: each fronts a reference
// registry and answers its provider's token endpoints. See docs/providers.md.
export { startAzureStandIn, ACR_AAD_AUDIENCE, AZURE_TOKEN_EXCHANGE_AUDIENCE, type AcrToken, type AzureStandIn, type EntraApplication, type FederatedCredential } from "./azure";
export { startDockerHubStandIn, DOCKER_HUB_RATE_LIMIT, DOCKER_HUB_SERVICE, type DockerHubAccount } from "./docker-hub";
export { startGhcrStandIn, GHCR_SERVICE, type GhcrToken } from "./ghcr";
export { startGitlabStandIn, GITLAB_SERVICE, type GitlabToken } from "./gitlab";
export { startHarborStandIn, HARBOR_SERVICE, type HarborAccount } from "./harbor";
export { createServiceAccountKey, startGoogleStandIn, type GoogleServiceAccount, type ServiceAccountKeyFile } from "./google";
export { GoogleFederation, STS_ERRORS as GOOGLE_STS_ERRORS, GET_ACCESS_TOKEN_DENIED } from "./google-federation";
export { applyGcloudScript } from "./gcloud";
export { startQuayStandIn, type QuayFederationEntry, type QuayRobot, type QuayStandIn } from "./quay";
export { startStandIn, type StandIn, type StandInOptions } from "./stand-in";
export { audiencesOf, readUnverifiedClaims, verifyWithLiveIssuer, type OidcVerification } from "./oidc-verifier";
