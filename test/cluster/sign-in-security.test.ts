// The outside review's sign-in findings, against a production-server process
// over real HTTP, the way a browser or an attacker meets them: redirects after
// sign-in followed as a browser follows them, throttling that cannot be turned
// against the owner (429, Retry-After, the device cookie), next-auth's session
// endpoint after sign-out, and the headers of the answers given before Next.js.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "@/lib/auth/service";
import { SIGN_IN_ACCOUNT_ADDRESS_LIMIT, SIGN_IN_ACCOUNT_LIMIT } from "@/lib/auth/throttles";
import { prisma } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { postCredentials } from "@/test/support/http-session";
import { startPortalCluster, type PortalCluster } from "@/test/support/portal-cluster";

const PASSWORD = "a long enough passphrase";
let cluster: PortalCluster;
let baseUrl: string;
let addressCounter = 0;
const newAddress = () => `203.0.113.${++addressCounter % 250}`;

async function newUser(label: string) {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`;
  await signUp({ name: label, email, password: PASSWORD, teamName: `${label} team` });
  return email;
}

const cookieOf = (response: Response, name: string) => response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`));

async function signIn(email: string, address = newAddress(), cookie?: string) {
  const response = await postCredentials(baseUrl, email, PASSWORD, { headers: { "x-forwarded-for": address }, ...(cookie ? { cookie } : {}) });
  const session = cookieOf(response, "next-auth.session-token");
  return { response, session: session?.split(";")[0], device: cookieOf(response, "portal-device") };
}

/** Where a browser goes when it follows this answer's Location. */
function followedByBrowser(response: Response): URL {
  return new URL(response.headers.get("location") ?? "", baseUrl);
}

beforeAll(async () => {
  cluster = await startPortalCluster({ processes: 1, env: { TRUST_PROXY: "1", PROXY_URL: "https://proxy.example.test" } });
  baseUrl = cluster.baseUrls[0]!;
  Object.assign(process.env, cluster.commandEnv, { DATABASE_URL: cluster.databaseUrl });
  resetEnvCache();
});

afterAll(async () => {
  await prisma.$disconnect().catch(() => {});
  await cluster?.stop();
});

describe("after sign-in, the portal only sends a browser to its own pages", () => {
  const ATTACKS = ["/.//evil.example", "/..//evil.example", "/x/..//evil.example", "/%2e%2e//evil.example%2Fphish", "//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example/"];

  it("the signed-in GET /sign-in?callbackUrl=… redirects within the portal, whatever the value", async () => {
    const { session } = await signIn(await newUser("redirect"));
    const follow = async (value: string) => {
      const response = await fetch(`${baseUrl}/sign-in?callbackUrl=${encodeURIComponent(value)}`, { headers: { cookie: session! }, redirect: "manual" });
      expect(response.status, value).toBe(307);
      const target = followedByBrowser(response);
      expect(target.origin, value).toBe(new URL(baseUrl).origin);
      expect(target.pathname, value).toMatch(/^\/(?!\/)/);
      return target;
    };
    for (const value of ATTACKS) expect((await follow(value)).pathname, value).toBe("/apps");
    expect((await follow("/team/members?x=1")).href).toBe(`${baseUrl}/team/members?x=1`);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom("/", ".", "..", "%2e", "%2f", "\\", "evil.example", "?", "#", "@", "\t", "%09", "\u3002", "\uff0f"), { maxLength: 8 }), async (parts) => {
        await follow(`/${parts.join("")}`);
      }),
      { numRuns: 25 },
    );
  });

  it("the form sign-in's returned URL stays within the portal", async () => {
    const email = await newUser("form");
    for (const callbackUrl of ATTACKS) {
      const response = await postCredentials(baseUrl, email, PASSWORD, { headers: { "x-forwarded-for": newAddress() }, fields: { callbackUrl } });
      const { url } = (await response.json()) as { url: string };
      const target = new URL(url, baseUrl);
      expect(target.origin, callbackUrl).toBe(new URL(baseUrl).origin);
      expect(target.pathname, callbackUrl).toMatch(/^\/(?!\/)/);
    }
  });
});

describe("sign-in throttling", () => {
  it("refuses guesses from one address with 429 and Retry-After, and lets the owner in from another", async () => {
    const email = await newUser("guessed");
    const attacker = newAddress();
    for (let i = 0; i < SIGN_IN_ACCOUNT_ADDRESS_LIMIT.limit; i++) {
      expect((await postCredentials(baseUrl, email, "wrong guess!!", { headers: { "x-forwarded-for": attacker } })).status).toBe(401);
    }
    const refused = await postCredentials(baseUrl, email, PASSWORD, { headers: { "x-forwarded-for": attacker } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn(email)).session).toBeDefined();
  });

  it("sets a device cookie at sign-in, and a browser with it is not held back when the account is guessed from many addresses", async () => {
    const email = await newUser("spread");
    const first = await signIn(email);
    expect(first.device).toMatch(/^portal-device=[^;]+;.*HttpOnly/i);
    expect(first.device).toMatch(/SameSite=Lax/i);
    expect(first.device).not.toMatch(/Secure/i);
    for (let network = 0; network < SIGN_IN_ACCOUNT_LIMIT.limit / 5; network++) {
      const address = newAddress();
      for (let i = 0; i < 5; i++) expect((await postCredentials(baseUrl, email, "wrong guess!!", { headers: { "x-forwarded-for": address } })).status).toBe(401);
    }
    const stranger = await postCredentials(baseUrl, email, PASSWORD, { headers: { "x-forwarded-for": newAddress() } });
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers.get("retry-after"))).toBeLessThanOrEqual(SIGN_IN_ACCOUNT_LIMIT.backoff!.maxSeconds);
    expect(new URL(((await stranger.json()) as { url: string }).url).searchParams.get("error")).toMatch(/^AccountSlowed:\d+$/);
    const known = await signIn(email, newAddress(), first.device!.split(";")[0]);
    expect(known.response.status).toBe(200);
    expect(known.session).toBeDefined();
  });
});

describe("small findings", () => {
  it("next-auth's session endpoint does not answer with the user for a cookie from before a sign-out", async () => {
    const email = await newUser("signout");
    const { session } = await signIn(email);
    const before = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie: session! } });
    expect(await before.json()).toMatchObject({ user: { email } });
    const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const jar = [session!, ...csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0])].join("; ");
    await fetch(`${baseUrl}/api/auth/signout`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar }, body: new URLSearchParams({ csrfToken, json: "true" }) });
    const after = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie: session! } });
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({});
  });

  it("the OIDC documents and the proxy's /v2/ carry nosniff, and HSTS when the portal is served over https", async () => {
    for (const path of ["/oidc/.well-known/openid-configuration", "/oidc/jwks", "/v2/"]) {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d+; includeSubDomains$/);
    }
    // /v2/ was answered by the proxy itself, not by a Next.js page.
    expect((await fetch(`${baseUrl}/v2/`)).headers.get("docker-distribution-api-version")).toBe("registry/2.0");
  });

  it("the start-up log says none for REGISTRY_ENDPOINT_OVERRIDES when it is unset", () => {
    const starting = cluster.processes[0]!.output
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string; config?: Record<string, unknown> }];
        } catch {
          return [];
        }
      })
      .find((line) => line.msg === "portal starting");
    expect(starting?.config).toMatchObject({ registryEndpointOverrides: "none" });
  });
});
