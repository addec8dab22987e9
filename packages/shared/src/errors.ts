// GraphQL errors with the stable `extensions.code` values of the public contract.
import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE';

export function gqlError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = 'You must be signed in.') => gqlError('UNAUTHENTICATED', message);
export const forbidden = (message = 'You are not allowed to do that.') => gqlError('FORBIDDEN', message);
export const notFound = (what: string) => gqlError('NOT_FOUND', `${what} not found.`);
export const badInput = (message: string, field?: string) =>
  gqlError('BAD_USER_INPUT', message, field ? { field } : {});
export const conflict = (message: string, field?: string) =>
  gqlError('CONFLICT', message, field ? { field } : {});

/** Too many calls: the client may try again after `retryAfterSeconds` (at least 1). */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  gqlError('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });

/**
 * A dependency (Redis, the key set, S3, …) is unreachable: nothing was changed, and the same
 * call may succeed after `retryAfterSeconds`. HTTP 503 when it fails the whole request.
 */
export const serviceUnavailable = (what: string, retryAfterSeconds = 5) =>
  gqlError('SERVICE_UNAVAILABLE', `${what} is unavailable right now; try again shortly.`, {
    retryAfterSeconds,
    http: { status: 503 },
  });

export class DependencyTimeoutError extends Error {
  constructor(readonly what: string, readonly ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DependencyTimeoutError';
  }
}

/**
 * Bounds a call to a dependency: rejects with SERVICE_UNAVAILABLE when `promise` takes longer
 * than `ms` or fails with `isOutage(err)`. Other errors pass through unchanged.
 */
export async function withDeadline<T>(
  what: string,
  ms: number,
  promise: Promise<T>,
  isOutage: (err: unknown) => boolean = () => false,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeoutError(what, ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } catch (err) {
    if (err instanceof DependencyTimeoutError || isOutage(err)) throw serviceUnavailable(what);
    throw err;
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined); // a late rejection after the deadline is not unhandled
  }
}
