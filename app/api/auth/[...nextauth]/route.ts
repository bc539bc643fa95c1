import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/auth-options";

// Options are built on the first request: the configuration they read is
// validated at run time, not while the app is being built.
const handler = (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> => NextAuth(req, ctx, getAuthOptions());

export { handler as GET, handler as POST };
