import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions, Session } from "next-auth";
import { cookies } from "next/headers";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAuditEvent } from "@/lib/audit/service";
import { safeCallbackUrl } from "@/lib/auth/callback-url";
import { DEVICE_COOKIE, deviceCookieOptions } from "@/lib/auth/device-cookie";
import { authenticateUser } from "@/lib/auth/service";
import { endAllSessions, isCurrentSession } from "@/lib/auth/session-version";
import { SIGN_IN_ERROR } from "@/lib/auth/sign-in-error";
import { ThrottledError } from "@/lib/auth/throttles";
import { getEnv } from "@/lib/env";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { log } from "@/lib/log";

let options: NextAuthOptions | undefined;

export function getAuthOptions(): NextAuthOptions {
  options ??= {
    secret: getEnv().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          // Whatever authorize() throws reaches the browser as its message: only codes, never an error's text.
          try {
            const cookieStore = await cookies();
            const user = await authenticateUser(
              credentials?.email ?? "",
              credentials?.password ?? "",
              clientAddressFromHeaders(new Headers((request?.headers ?? {}) as Record<string, string>)),
              cookieStore.get(DEVICE_COOKIE)?.value,
            );
            if (!user) {
              log.warn({ email: (credentials?.email ?? "").trim().toLowerCase().slice(0, 254) }, "sign-in failed: unknown email or wrong password");
              return null;
            }
            log.info({ userId: user.id }, "sign-in succeeded");
            // This browser has now signed in to the account: failures elsewhere no longer hold it back.
            cookieStore.set(DEVICE_COOKIE, user.deviceCookie, deviceCookieOptions());
            await Promise.all(
              user.teamIds.map((teamId) => recordAuditEvent(teamId, { userId: user.id, email: user.email }, "auth.signed_in")),
            );
            return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
          } catch (error) {
            if (error instanceof ThrottledError) throw new Error(SIGN_IN_ERROR.throttled(error.retryAfterSeconds, error.reason));
            const requestId = randomUUID();
            log.error({ err: error, requestId }, "sign-in failed unexpectedly");
            throw new Error(SIGN_IN_ERROR.internal(requestId));
          }
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        }
        return token;
      },
      async session({ session, token }) {
        // A cookie from before a sign-out is no session, for next-auth's own
        // endpoint (GET /api/auth/session) too: an empty one, as when signed out.
        if (!(await isCurrentSession(token.sub, token.sessionVersion))) return {} as Session;
        // Only the user ID and the session version travel in the session;
        // everything else is read from the database by getSession().
        return { ...session, user: { id: token.sub, sessionVersion: token.sessionVersion, email: session.user?.email ?? null, name: session.user?.name ?? null } };
      },
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return `${baseUrl}${safeCallbackUrl(path, baseUrl) ?? "/sign-in"}`;
      },
    },
    events: {
      // A cookie copied before sign-out must stop working too.
      async signOut({ token }) {
        if (typeof token?.sub === "string") await endAllSessions(token.sub);
      },
    },
  };
  return options;
}
