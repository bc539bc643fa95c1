export type LocalAwsAccount = { accountId: string; accessKeyId: string; secretAccessKey: string };

export const E2E_PORT = Number(process.env.E2E_PORT || 3100);
/** The webhook receiver e2e/notifications.spec.ts starts; the portal may post to it (WEBHOOK_ALLOWED_ORIGINS). */
export const E2E_WEBHOOK_RECEIVER_PORT = E2E_PORT + 1000;

/** The local AWS's accounts: the registry's, and another for cross-account cases. */
export const E2E_AWS_ACCOUNTS: LocalAwsAccount[] = [
  { accountId: "111111111111", accessKeyId: "AKIAE2EACCOUNTA00001", secretAccessKey: "e2eSecretKeyForAccountA00000000000000001" },
  { accountId: "222222222222", accessKeyId: "AKIAE2EACCOUNTB00002", secretAccessKey: "e2eSecretKeyForAccountB00000000000000002" },
];

/** An image the e2e server pushes into the first account's registry at start. */
export const E2E_FIXTURE_IMAGE = { region: "eu-west-1", repository: "vendor/app", tag: "1.0" };

/** The one portal operator of the e2e server (OPERATOR_EMAILS); e2e/operator.spec.ts signs up with it. */
export const E2E_OPERATOR_EMAIL = "operator@e2e.example.com";
