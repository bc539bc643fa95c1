import "server-only";
// Quay keyless: a robot account's federation entries (issuer + subject) trust
// the portal's token. GET /oauth2/federation/robot/token with Basic
// `<org+robot>:<the portal's token>` answers {"token": …}, a robot token
// valid for an hour (Quay's TMP_ROBOT_TOKEN_VALIDITY_LIFETIME_S), which the
// usual registry login then presents as the robot's password.
import { decodeJwt } from "jose";
import { basicHeader, RegistryProtocolError, refusal, requestIdOf } from "@/lib/registry-auth/client";
import type { FederationExchange } from "@/lib/registry-auth/federation/types";
import { authHttpRequest } from "@/lib/registry-auth/http";

/** Quay's robot tokens from federation last an hour. */
const ROBOT_TOKEN_MS = 3_600_000;

export const quayFederation: FederationExchange = {
  async exchange({ token, settings, baseUrl, endpoints, signal }) {
    const robot = settings.username;
    if (!robot) throw new RegistryProtocolError("the registry has no robot account; edit it");
    const obtainedAt = Date.now();
    const response = await authHttpRequest(new URL(`${baseUrl}/oauth2/federation/robot/token`), {
      method: "GET",
      headers: { authorization: basicHeader(robot, token) },
      signal,
      trustedOrigins: endpoints.trustedOrigins,
      maxBodyBytes: 64 * 1024,
    });
    if (response.status !== 200) throw refusal("federation", response);
    let robotToken: unknown;
    try {
      robotToken = (JSON.parse(response.body) as { token?: unknown }).token;
    } catch {
      robotToken = undefined;
    }
    if (typeof robotToken !== "string" || robotToken === "" || /\s/.test(robotToken)) throw new RegistryProtocolError("Quay's robot federation endpoint answered 200 without a token");
    const requestId = requestIdOf(response);
    return {
      credential: { kind: "basic", username: robot, password: robotToken },
      expiresAt: expiryOf(robotToken, obtainedAt),
      ...(requestId ? { requestId } : {}),
      detail: `Quay accepted the portal's token for the robot ${robot} and issued a robot token.`,
    };
  },
};

function expiryOf(token: string, obtainedAt: number): number {
  try {
    const { exp } = decodeJwt(token);
    if (typeof exp === "number") return Math.min(exp * 1000, obtainedAt + ROBOT_TOKEN_MS);
  } catch {
    // Quay's robot tokens are JWTs; if one is not, assume the documented hour.
  }
  return obtainedAt + ROBOT_TOKEN_MS;
}
