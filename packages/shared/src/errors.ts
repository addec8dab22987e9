// GraphQL errors with the stable `extensions.code` values of the public contract.
import { GraphQLError } from 'graphql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE';

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
