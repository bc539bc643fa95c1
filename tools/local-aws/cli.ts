// `npm run aws:local -- --port 4566 --state .data/local-aws.json`
// Starts the local AWS for offline demos. Accounts come from --account
// <id>:<accessKeyId>:<secretAccessKey> flags, or LOCAL_AWS_ACCOUNTS (a JSON
// array of { accountId, accessKeyId, secretAccessKey }), or are generated
// once and kept in the state file.
import { parseArgs } from "node:util";
import { startLocalAws } from "./local-aws";
import { iamId, loadState, secretKey, type LocalAwsAccount } from "./state";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4566" },
    host: { type: "string", default: "127.0.0.1" },
    state: { type: "string" },
    account: { type: "string", multiple: true },
    "jwks-cache-seconds": { type: "string" },
    "fixture-image": { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(`Usage: npm run aws:local -- [--port 4566] [--host 127.0.0.1] [--state .data/local-aws.json]
       [--account 111111111111:AKIA...:secret]... [--jwks-cache-seconds 3600]
       [--fixture-image <repository>:<tag>]...   (pushed into the first account's us-east-1 registry)
Accounts may also be given as LOCAL_AWS_ACCOUNTS='[{"accountId":"…","accessKeyId":"…","secretAccessKey":"…"}]'.`);
  process.exit(0);
}

function accountsFromOptions(): LocalAwsAccount[] {
  if (values.account?.length) {
    return values.account.map((value) => {
      const [accountId, accessKeyId, secretAccessKey] = value.split(":");
      if (!accountId || !accessKeyId || !secretAccessKey) throw new Error(`--account ${value}: expected <12-digit account ID>:<access key ID>:<secret access key>`);
      return { accountId, accessKeyId, secretAccessKey };
    });
  }
  if (process.env.LOCAL_AWS_ACCOUNTS) return JSON.parse(process.env.LOCAL_AWS_ACCOUNTS) as LocalAwsAccount[];
  const saved = values.state ? loadState(values.state) : undefined;
  if (saved) {
    const roots = Object.values(saved.accessKeys).filter((key) => key.userName === null);
    if (roots.length > 0) return roots.map(({ accountId, accessKeyId, secretAccessKey }) => ({ accountId, accessKeyId, secretAccessKey }));
  }
  return ["111111111111", "222222222222"].map((accountId) => ({ accountId, accessKeyId: iamId("AKIA"), secretAccessKey: secretKey() }));
}

const accounts = accountsFromOptions();
const localAws = await startLocalAws({
  port: Number(values.port),
  host: values.host,
  accounts,
  stateFile: values.state,
  ...(values["jwks-cache-seconds"] ? { jwksCacheSeconds: Number(values["jwks-cache-seconds"]) } : {}),
});

for (const value of values["fixture-image"] ?? []) {
  const separator = value.lastIndexOf(":");
  if (separator <= 0) throw new Error(`--fixture-image ${value}: expected <repository>:<tag>`);
  const image = localAws.pushFixtureImage({ accountId: accounts[0]!.accountId, region: "us-east-1", repository: value.slice(0, separator), tag: value.slice(separator + 1) });
  console.log(`Pushed fixture image ${image.reference} (${image.digest})`);
}

console.log(`Local AWS (IAM, STS, ECR and the ECR registry endpoint) on ${localAws.url}`);
if (values.state) console.log(`State file: ${values.state}`);
for (const account of accounts) {
  console.log(`\nAccount ${account.accountId} (root)\n  AWS_ACCESS_KEY_ID=${account.accessKeyId}\n  AWS_SECRET_ACCESS_KEY=${account.secretAccessKey}`);
  console.log(`  registry: ${localAws.registryUrl(account.accountId, "us-east-1")}`);
}
console.log(`\nUse it with: aws --endpoint-url ${localAws.url} sts get-caller-identity
or AWS_ENDPOINT_URL_STS=${localAws.url} AWS_ENDPOINT_URL_ECR=${localAws.url} AWS_ENDPOINT_URL_IAM=${localAws.url}
Registry clients: skopeo inspect --tls-verify=false --creds AWS:<password> docker://${localAws.url.replace(/^http:\/\//, "")}/<repository>:<tag>`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void localAws.close().finally(() => process.exit(0));
  });
}
