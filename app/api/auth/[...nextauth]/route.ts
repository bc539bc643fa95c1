import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/lib/auth/auth-options";
import { withThrottledStatus } from "@/lib/auth/sign-in-response";

// Options are built on the first request: the configuration they read is
// validated at run time, not while the app is being built.
const handler = async (req: NextRequest, ctx: { params: Promise<{ nextauth: string[] }> }): Promise<Response> => withThrottledStatus(await NextAuth(req, ctx, getAuthOptions()));

export { handler as GET, handler as POST };
