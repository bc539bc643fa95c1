// Where air-gap archives are served (before Next.js, by lib/airgap/handler.ts).
export const AIRGAP_PATH = "/customer/airgap.tar";
export const AIRGAP_LINK_PARAM = "link";
