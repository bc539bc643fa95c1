// IAM and STS requests (Query protocol): which service the request is for,
// who signed it, and the XML answer or error.
import type { ServerResponse } from "node:http";
import { AwsError } from "./aws-error";
import { send } from "./http-response";
import { handleIam } from "./iam";
import type { ServerContext } from "./server-context";
import { authenticate } from "./principals";
import { IAM_NAMESPACE, STS_NAMESPACE, queryErrorResponse, queryResponse, type XmlValue } from "./query-protocol";
import { headerValue, type ReceivedRequest } from "./sigv4";
import { assumeRole, assumeRoleWithWebIdentity, getCallerIdentity } from "./sts";
import type { WebIdentityVerifier } from "./web-identity";

/** The service in the SigV4 credential scope, or undefined for an unsigned request. */
export function signedService(request: ReceivedRequest): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(headerValue(request.headers, "authorization") ?? "")?.[1];
}

export async function handleQueryApi(context: ServerContext, verifier: WebIdentityVerifier, request: ReceivedRequest, response: ServerResponse, requestId: string): Promise<void> {
  const service = signedService(request);
  const params = new URLSearchParams(request.body.toString("utf8"));
  for (const [name, value] of request.query) if (!params.has(name)) params.set(name, value);
  const action = params.get("Action") ?? "";
  const namespace = service === "iam" ? IAM_NAMESPACE : STS_NAMESPACE;
  const now = context.now();
  try {
    let result: Record<string, XmlValue> | undefined;
    if (service === undefined && action === "AssumeRoleWithWebIdentity") {
      result = await assumeRoleWithWebIdentity({ state: context.state, params, now }, verifier);
    } else {
      const { principal } = await authenticate(context.state, request, "query", now);
      if (service === "iam") {
        result = handleIam(action, { state: context.state, params, principal, now });
      } else if (service === "sts") {
        if (action === "GetCallerIdentity") result = getCallerIdentity(principal);
        else if (action === "AssumeRole") result = assumeRole({ state: context.state, params, now }, principal);
        else if (action === "AssumeRoleWithWebIdentity") result = await assumeRoleWithWebIdentity({ state: context.state, params, now }, verifier);
        else throw new AwsError("InvalidAction", `Could not find operation ${action} for version 2011-06-15`, 400);
      } else {
        throw new AwsError("UnknownService", `The local AWS does not emulate the service '${service}'`, 400);
      }
    }
    send(response, 200, { "Content-Type": "text/xml" }, queryResponse(action, namespace, result, requestId));
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    send(response, error.status, { "Content-Type": "text/xml" }, queryErrorResponse(namespace, error, requestId));
  }
}
