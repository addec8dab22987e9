// A plain HTTP GraphQL client for tests: real fetch against the running gateway.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type DocumentNode } from 'graphql';

export interface GqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}
export interface GqlResponse<R> {
  status: number;
  data?: R | null;
  errors?: GqlError[];
}

export function graphqlClient(url: string) {
  return async function request<R, V>(
    doc: TypedDocumentNode<R, V> | DocumentNode | string,
    variables?: V,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GqlResponse<R>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query: typeof doc === 'string' ? doc : print(doc), variables }),
    });
    const body = (await res.json()) as { data?: R; errors?: GqlError[] };
    return { status: res.status, ...body };
  };
}

/** The `extensions.code` of the first error, for error-matrix assertions. */
export const errorCode = (res: GqlResponse<unknown>) => res.errors?.[0]?.extensions?.code;

/** Unwraps data, failing loudly with the errors when there are any. */
export function ok<R>(res: GqlResponse<R>): R {
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}
