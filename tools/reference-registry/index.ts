// The reference registry harness: the CNCF distribution registry on loopback,
// a Docker-spec token issuer, and skopeo pushes. See docs/providers.md.
export { FULL_ACCESS, grantAccess, parseScope, type AccessRule, type GrantedAccess, type ReferenceUser, type RegistryAction } from "./access";
export { writeOciLayout, type LayoutImage, type Platform } from "./oci-layout";
export { LINUX_AMD64, LINUX_ARM64, pushImage, skopeoEnvironment, type PushedImage, type PushImageOptions, type RegistryCredentials } from "./push-image";
export { DEFAULT_USERS, startReferenceRegistry, type ReferenceRegistry, type ReferenceRegistryOptions, type TokenIssuerConfig } from "./reference-registry";
export { basicCredentials, startTokenIssuer, type TokenIssuer, type TokenIssuerOptions, type TokenRequestRecord } from "./token-issuer";
export { createTokenSigner, type TokenSigner } from "./token-signer";
