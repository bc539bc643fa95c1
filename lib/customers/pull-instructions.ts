// What a vendor gives a customer: the docker login command and a Kubernetes
// image pull secret for the proxy host. Pure; the license is passed in by the
// page, which only does so for roles allowed to see it.

export interface PullCredentials {
  proxyHost: string;
  username: string;
  password: string;
}

/**
 * The login commands (the vendor's customer page and the customer's own), which keep the license out of shell
 * history: Docker prompts for the password, or reads it from a file. The user
 * name is the customer's email when it has one (the license otherwise).
 */
export function dockerLoginPromptCommand(proxyHost: string, username: string): string {
  return `docker login ${proxyHost} --username ${shellQuote(username)}`;
}

export function dockerLoginFromFileCommand(proxyHost: string, email: string | null): string {
  return `docker login ${proxyHost} --username ${email ? shellQuote(email) : '"$(cat license.txt)"'} --password-stdin < license.txt`;
}

/** The `.dockerconfigjson` document: {"auths":{"<host>":{"username","password","auth"}}}. */
export function dockerConfigJson({ proxyHost, username, password }: PullCredentials): string {
  const auth = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  return JSON.stringify({ auths: { [proxyHost]: { username, password, auth } } });
}

/** A kubernetes.io/dockerconfigjson Secret, ready for `kubectl apply -f`. */
export function imagePullSecretYaml(credentials: PullCredentials, secretName: string): string {
  const encoded = Buffer.from(dockerConfigJson(credentials), "utf8").toString("base64");
  return [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    `  name: ${secretName}`,
    "type: kubernetes.io/dockerconfigjson",
    "data:",
    `  .dockerconfigjson: ${encoded}`,
    "",
  ].join("\n");
}

/** A Secret name from the application slug: DNS-1123, at most 63 characters. */
export function pullSecretName(appSlug: string): string {
  return `${appSlug}-registry`.slice(0, 63).replace(/-+$/, "");
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@.+-]+$/.test(value) ? value : `'${value.replaceAll("'", `'"'"'`)}'`;
}
