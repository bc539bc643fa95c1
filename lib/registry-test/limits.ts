// Time limits and retries for the calls a test makes: each call gets its own
// timeout inside the whole test's deadline, and only errors AWS documents as
// transient are retried, with exponential back-off.
import { CallTimeoutError } from "@/lib/registry-test/failure";

export const CALL_TIMEOUT_MS = 10_000;
export const TEST_TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 200;

const TRANSIENT_ERRORS = new Set([
  "IDPCommunicationError",
  "IDPCommunicationErrorException",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

export function isTransientAwsError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && TRANSIENT_ERRORS.has(name);
}

export interface CallLimits {
  callTimeoutMs: number;
  /** Aborts when the whole test runs out of time. */
  deadline: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `call` with a per-attempt timeout, retrying transient AWS errors.
 * `call` must honour the signal it is given (the AWS SDK's abortSignal, fetch's signal).
 */
export async function withCallLimits<T>(limits: CallLimits, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const sleep = limits.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(limits.callTimeoutMs);
    const signal = AbortSignal.any([timeout, limits.deadline]);
    try {
      return await call(signal);
    } catch (error) {
      if (limits.deadline.aborted) throw new CallTimeoutError(Math.round(TEST_TIMEOUT_MS / 1000), true);
      if (timeout.aborted) throw new CallTimeoutError(Math.round(limits.callTimeoutMs / 1000));
      if (attempt >= MAX_ATTEMPTS || !isTransientAwsError(error)) throw error;
      await sleep(BASE_BACKOFF_MS * 2 ** (attempt - 1) * (1 + Math.random()));
    }
  }
}
