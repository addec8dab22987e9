// A subgraph that cannot be reached (down, refusing or resetting connections, or a proxy in front
// of it answering 5xx without GraphQL) is a dependency outage, not a bug: the fields it owes
// become SERVICE_UNAVAILABLE errors with retryAfterSeconds and their own paths, naming the
// service but not its URL. Stock @apollo/gateway reports such a fetch as one pathless
// INTERNAL_SERVER_ERROR whose message carries the subgraph's address.
import { Kind, parse, type DocumentNode, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';
import { serviceUnavailable } from '@fffoto/shared/errors';

const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** Thrown by the data source for a fetch that never got a GraphQL answer from the subgraph. */
export class SubgraphUnavailableError extends Error {
  constructor(
    readonly service: string,
    readonly retryAfterSeconds: number,
    cause: unknown,
  ) {
    super(`subgraph ${service} unreachable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'SubgraphUnavailableError';
  }
}

interface FetchResponseLike {
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
}

/**
 * Whether a failed subgraph fetch means the subgraph is unreachable: no response at all
 * (connection refused or reset, timeout, a body cut off), or a
 * non-GraphQL 5xx/429 (subgraphFetcher passes GraphQL answers on whatever their status).
 */
export function outageOf(service: string, error: unknown, response: FetchResponseLike | undefined): SubgraphUnavailableError | undefined {
  const status = response?.status ?? 0;
  const unreachable = !response || status >= 500 || status === 429;
  if (!unreachable) return undefined;
  const retryAfter = Number(response?.headers.get('retry-after'));
  return new SubgraphUnavailableError(service, Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter : DEFAULT_RETRY_AFTER_SECONDS, error);
}

/** Response keys of the operation's root fields (aliases, through fragments). */
function rootResponseKeys(document: DocumentNode): string[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const keys = new Set<string>();
  const collect = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) keys.add(s.alias?.value ?? s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet);
      else {
        const fragment = fragments.get(s.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation) collect(operation.selectionSet);
  return [...keys];
}

/**
 * The subgraph's answer as if it had said so itself: one error per field of the fetch (each
 * root field, or each entity `_entities.<i>`), which the gateway places at the field's path in
 * the client's response. No `http` extension: the gateway's status comes from the whole
 * response (response-integrity.ts), so partial data stays 200.
 */
export function unavailableResponse(
  outage: SubgraphUnavailableError,
  fetch: { query?: string; document?: DocumentNode; representationCount?: number },
): { errors: GraphQLFormattedError[] } {
  const { message, extensions } = serviceUnavailable(`The ${outage.service} service`, outage.retryAfterSeconds);
  const { http: _status, ...rest } = extensions;
  const error = (path?: Array<string | number>): GraphQLFormattedError => ({ message, ...(path ? { path } : {}), extensions: rest });
  if (fetch.representationCount !== undefined) {
    return { errors: Array.from({ length: fetch.representationCount }, (_, i) => error(['_entities', i])) };
  }
  const document = fetch.document ?? (fetch.query ? parse(fetch.query) : undefined);
  const keys = document ? rootResponseKeys(document) : [];
  return { errors: keys.length ? keys.map((k) => error([k])) : [error()] };
}
