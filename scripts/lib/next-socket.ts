/** The environment variable naming the Next.js process's private socket, set by the supervisor (scripts/lib/portal-processes.ts). */
export const NEXT_SOCKET_ENV = "PORTAL_NEXT_SOCKET";
