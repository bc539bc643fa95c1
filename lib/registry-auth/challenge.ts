// Parsing of a registry's WWW-Authenticate header (RFC 7235 challenges, as
// the distribution token spec uses them): `Bearer realm="…",service="…",
// scope="…"` or `Basic realm="…"`, possibly several in one header. Pure.

export type Challenge =
  | { scheme: "basic"; realm?: string }
  | { scheme: "bearer"; realm: string; service?: string; scope?: string; error?: string };

/** The challenges the header offers, Bearer first; unknown schemes and a Bearer without realm are left out. */
export function parseWwwAuthenticate(header: string | null | undefined): Challenge[] {
  if (!header) return [];
  const challenges: Challenge[] = [];
  for (const { scheme, params } of splitChallenges(header)) {
    if (scheme === "basic") challenges.push({ scheme: "basic", ...(params.realm !== undefined ? { realm: params.realm } : {}) });
    if (scheme === "bearer" && params.realm) {
      challenges.push({
        scheme: "bearer",
        realm: params.realm,
        ...(params.service !== undefined ? { service: params.service } : {}),
        ...(params.scope !== undefined ? { scope: params.scope } : {}),
        ...(params.error !== undefined ? { error: params.error } : {}),
      });
    }
  }
  return challenges.sort((a, b) => (a.scheme === b.scheme ? 0 : a.scheme === "bearer" ? -1 : 1));
}

interface RawChallenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

/** A small tokenizer: scheme, then name=value pairs (quoted strings with \-escapes or tokens), commas between. */
function splitChallenges(header: string): RawChallenge[] {
  const challenges: RawChallenge[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < header.length && /[\s,]/.test(header[i]!)) i++;
  };
  const readToken = (): string | null => {
    TOKEN.lastIndex = i;
    const match = TOKEN.exec(header);
    if (!match) return null;
    i = TOKEN.lastIndex;
    return match[0];
  };
  while (i < header.length) {
    skipSpace();
    const scheme = readToken();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: RawChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      const save = i;
      skipSpace();
      const name = readToken();
      let next = i;
      while (next < header.length && header[next] === " ") next++;
      if (!name || header[next] !== "=") {
        // Not a parameter: the next challenge's scheme (or a token68, ignored as an unknown scheme).
        i = save;
        break;
      }
      i = next;
      i++;
      while (i < header.length && header[i] === " ") i++;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < header.length) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        value = readToken() ?? "";
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
