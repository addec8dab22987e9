// Stock @apollo/gateway sends one entity representation per occurrence, and one `_entities`
// fetch per plan path: twenty loops by one owner make twenty identical `{ __typename: "User",
// id }` entries, often in twenty fetches. We merge the fetches one request makes to one
// subgraph with the same query in the same tick, send each distinct representation once, and
// fan the answers (and error paths) back out to every fetch in its original order.
import type { GraphQLFormattedError } from 'graphql';

type Errors = ReadonlyArray<GraphQLFormattedError>;
export interface EntitiesResponse {
  data?: Record<string, unknown> | null;
  errors?: Errors;
  [key: string]: unknown;
}

export interface RepresentationPlan {
  /** What to send: each distinct representation once. */
  representations: unknown[];
  /** Per original list, the answer shaped as if it had been sent alone. */
  split<R extends EntitiesResponse>(response: R): R[];
}

/**
 * What makes two representations the same: their JSON, except for the usual `{ __typename, id }`
 * with string values, keyed without serializing (a feed's 100 representations were stringified
 * one by one on every request). Never equal to a JSON text (those contain no raw U+0000), nor to
 * another such key (the type name, before the first U+0000, holds none).
 */
function representationKey(rep: unknown): string {
  if (rep !== null && typeof rep === 'object') {
    const { __typename: typename, id } = rep as { __typename?: unknown; id?: unknown };
    // A type name never holds U+0000 (GraphQL names cannot), but one from a subgraph is not trusted.
    if (typeof typename === 'string' && typeof id === 'string' && !typename.includes('\u0000')) {
      let count = 0;
      for (const _ in rep) count++;
      if (count === 2) return `${typename}\u0000${id}`;
    }
  }
  return JSON.stringify(rep);
}

/** Merges and dedupes representation lists; the plan's split undoes it on the response. */
export function planRepresentations(lists: unknown[][]): RepresentationPlan {
  const slotOf = new Map<string, number>();
  const representations: unknown[] = [];
  const slots = lists.map((reps) =>
    reps.map((rep) => {
      const key = representationKey(rep);
      let slot = slotOf.get(key);
      if (slot === undefined) {
        slot = representations.push(rep) - 1;
        slotOf.set(key, slot);
      }
      return slot;
    }),
  );
  const used = new Set(slots.flat());
  const slotUsed = (slot: number) => used.has(slot);
  return {
    representations,
    split(response) {
      const entities = response.data?._entities;
      // An answer with more or fewer entities than asked is passed on as it came: the caller's
      // length check refuses it (padding or cutting it would give entities each other's data).
      const matched = Array.isArray(entities) && entities.length === representations.length;
      return slots.map((listSlots, list) => {
        const data = matched ? { ...response.data, _entities: listSlots.map((s) => entities[s] ?? null) } : response.data;
        const errors = response.errors?.flatMap((error) => {
          const [head, index, ...rest] = error.path ?? [];
          const own = typeof index === 'number' && head === '_entities' ? listSlots.flatMap((s, i) => (s === index ? [i] : [])) : [];
          // An error about the whole fetch, or about an entity nobody asked for, is reported
          // once (as it came), not once per merged fetch.
          if (!own.length) return list === 0 && !(head === '_entities' && typeof index === 'number' && slotUsed(index)) ? [error] : [];
          return own.map((i) => ({ ...error, path: ['_entities', i, ...rest] }));
        });
        if (errors) byEntity(errors);
        return { ...response, data, ...(errors ? { errors } : {}) };
      });
    },
  };
}

/**
 * The subgraph reports errors entity by entity; deduplicated, an answer's errors come grouped by
 * distinct representation instead. Entity errors are put back in this list's entity order
 * (stable), each other error staying where it was.
 */
function byEntity(errors: GraphQLFormattedError[]): void {
  const at: number[] = [];
  errors.forEach((e, i) => {
    if (e.path?.[0] === '_entities' && typeof e.path[1] === 'number') at.push(i);
  });
  const sorted = at.map((i) => errors[i]!).sort((a, b) => (a.path![1] as number) - (b.path![1] as number));
  at.forEach((position, k) => (errors[position] = sorted[k]!));
}

interface Waiter<P, R> {
  representations: unknown[];
  payload: P;
  resolve(response: R): void;
  reject(err: unknown): void;
}

/**
 * Collects `_entities` fetches per (request context, query, other variables) for one tick and
 * runs them as one: `send` gets the merged representations and the first fetch's payload.
 */
export class EntityFetchBatcher<C extends object, P, R extends EntitiesResponse> {
  private readonly pending = new WeakMap<C, Map<string, Array<Waiter<P, R>>>>();

  constructor(private readonly send: (representations: unknown[], first: P) => Promise<R>) {}

  fetch(context: C, key: string, representations: unknown[], payload: P): Promise<R> {
    let byKey = this.pending.get(context);
    if (!byKey) {
      byKey = new Map();
      this.pending.set(context, byKey);
    }
    let waiters = byKey.get(key);
    if (!waiters) {
      waiters = [];
      byKey.set(key, waiters);
      const batch = waiters;
      setImmediate(() => {
        byKey!.delete(key);
        void this.flush(batch);
      });
    }
    return new Promise<R>((resolve, reject) => waiters!.push({ representations, payload, resolve, reject }));
  }

  private async flush(waiters: Array<Waiter<P, R>>) {
    const plan = planRepresentations(waiters.map((w) => w.representations));
    try {
      const responses = plan.split(await this.send(plan.representations, waiters[0]!.payload));
      waiters.forEach((w, i) => w.resolve(responses[i]!));
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }
}
