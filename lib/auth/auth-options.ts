import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAuditEvent } from "@/lib/audit/service";
import { authenticateUser } from "@/lib/auth/service";
import { getEnv } from "@/lib/env";
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
        async authorize(credentials) {
          const user = await authenticateUser(credentials?.email ?? "", credentials?.password ?? "");
          if (!user) {
            log.warn({ email: (credentials?.email ?? "").trim().toLowerCase().slice(0, 254) }, "sign-in failed: unknown email or wrong password");
            return null;
          }
          log.info({ userId: user.id }, "sign-in succeeded");
          await Promise.all(
            user.teamIds.map((teamId) => recordAuditEvent(teamId, { userId: user.id, email: user.email }, "auth.signed_in")),
          );
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        // Only the user ID travels in the session; everything else is read
        // from the database by getSession().
        return { ...session, user: { id: token.sub, email: session.user?.email ?? null, name: session.user?.name ?? null } };
      },
    },
  };
  return options;
}
