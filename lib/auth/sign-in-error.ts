// next-auth passes an error from authorize() to the browser as its message,
// in the URL. Only these codes ever travel that way; the browser turns them
// into sentences with describeSignInError(), and the sign-in route turns a
// throttled one into 429 with Retry-After (retryAfterOfSignInError).

export const SIGN_IN_ERROR = {
  wrongCredentials: "CredentialsSignin",
  /** "client": this browser's or address's failures; "account": the account's failures from everywhere (growing delays). */
  throttled: (retryAfterSeconds: number, reason: "client" | "account" = "client") => `${reason === "account" ? "AccountSlowed" : "Throttled"}:${retryAfterSeconds}`,
  internal: (requestId: string) => `Internal:${requestId}`,
};

const THROTTLED = /^(Throttled|AccountSlowed):(\d{1,6})$/;

/** The seconds to wait when `code` is a throttled sign-in, else null. */
export function retryAfterOfSignInError(code: string | null | undefined): number | null {
  const match = THROTTLED.exec(code ?? "");
  return match ? Number(match[2]) : null;
}

/** "45 s", "2 min": how long to wait, in words. */
export function describeWait(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

export function describeSignInError(code: string | null | undefined): string {
  if (!code) return "Could not sign you in. Please try again.";
  if (code === SIGN_IN_ERROR.wrongCredentials) return "Wrong email or password.";
  const throttled = THROTTLED.exec(code);
  if (throttled?.[1] === "Throttled") return `Too many failed sign-ins from this browser or network. Try again in ${describeWait(Number(throttled[2]))}.`;
  if (throttled?.[1] === "AccountSlowed") {
    return `This account has had many failed sign-ins from elsewhere, so sign-ins from browsers it has not seen before are slowed down. Try again in ${describeWait(Number(throttled[2]))}. A browser you have signed in with before is not affected.`;
  }
  const internal = /^Internal:([0-9a-f-]{36})$/.exec(code);
  if (internal) return `Something went wrong on our side. Please try again; if it keeps happening, contact support with request ID ${internal[1]}.`;
  return "Could not sign you in. Please try again.";
}
