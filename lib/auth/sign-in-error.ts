// next-auth passes an error from authorize() to the browser as its message,
// in the URL. Only these codes ever travel that way; the browser turns them
// into sentences with describeSignInError().

export const SIGN_IN_ERROR = {
  wrongCredentials: "CredentialsSignin",
  throttled: (retryAfterSeconds: number) => `Throttled:${retryAfterSeconds}`,
  internal: (requestId: string) => `Internal:${requestId}`,
};

export function describeSignInError(code: string | null | undefined): string {
  if (!code) return "Could not sign you in. Please try again.";
  if (code === SIGN_IN_ERROR.wrongCredentials) return "Wrong email or password.";
  const throttled = /^Throttled:(\d{1,6})$/.exec(code);
  if (throttled) return `Too many failed sign-ins. Try again in ${throttled[1]} s.`;
  const internal = /^Internal:([0-9a-f-]{36})$/.exec(code);
  if (internal) return `Something went wrong on our side. Please try again; if it keeps happening, contact support with request ID ${internal[1]}.`;
  return "Could not sign you in. Please try again.";
}
