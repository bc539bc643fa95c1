// What a vendor pastes into the Hostname field, cleaned to a hostname before
// any provider's rules run: a scheme, a user name, a path (an image's
// repository), a tag or digest, a trailing slash. Pure and provider-agnostic:
// the form cleans as the vendor types and shows what was removed; the schema
// applies the same cleaning on the server, so both accept the same input.

export interface CleanedHostname {
  /** The hostname alone (still to be checked by the provider's rules). */
  hostname: string;
  /** What was removed, in the order it appeared, for a note under the field. */
  removed: string[];
}

export function cleanHostnameInput(input: string): CleanedHostname {
  let value = input.trim();
  const removed: string[] = [];
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  if (scheme) {
    removed.push(scheme[0]);
    value = value.slice(scheme[0].length);
  }
  const slash = value.indexOf("/");
  if (slash >= 0) {
    const rest = value.slice(slash);
    value = value.slice(0, slash);
    if (rest !== "/") removed.push(describePath(rest));
    else removed.push("the trailing /");
  }
  // A tag or digest is part of the path; ":port" and "user@" stay for the
  // provider's rules to refuse with their own message.
  return { hostname: value, removed };
}

function describePath(path: string): string {
  const at = path.indexOf("@");
  const repository = (at >= 0 ? path.slice(0, at) : path).replace(/\/+$/, "");
  const colon = repository.lastIndexOf(":");
  const name = colon > repository.lastIndexOf("/") ? repository.slice(0, colon) : repository;
  if (at >= 0) return `the image ${name.slice(1)} and its digest`;
  if (colon > repository.lastIndexOf("/")) return `the image ${name.slice(1)} and its tag ${repository.slice(colon + 1)}`;
  return `the path ${path.replace(/\/+$/, "")}`;
}

/** The note shown under the field, or null when nothing was removed. */
export function describeRemoved(cleaned: CleanedHostname): string | null {
  if (cleaned.removed.length === 0) return null;
  return `Removed ${joinWords(cleaned.removed)}: only the registry's hostname is needed here.`;
}

function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}
