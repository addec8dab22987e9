// Live fan-out. A stream is one upstream subscription (the plan's primary fetch, sent to the
// subgraph that owns the root field); every subscriber whose primary fetch and variables are
// the same joins it when the plan is shared (a public stream selecting nothing @perViewer),
// otherwise each subscriber has a stream of its own, subscribed with its token.
// Per event, the rest of the plan runs once per distinct document (not per subscriber), with
// @apollo/gateway's own executor: the event's data is replayed as the primary fetch's answer.
// A subscriber whose viewer the event is hidden from (a block, `hiddenFrom`) gets nothing.
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import { inJobSpan } from '@fffoto/shared/tracing';
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from '@fffoto/shared/logger';
import { EventQueue } from '@fffoto/shared/live-stream';
import { withCompletionErrors } from '../response-integrity.ts';
import type { LivePlan, SubscriptionPlanner } from './subscription-plan.ts';
import { UpstreamRefusal, type Unsubscribe, type Upstreams } from './upstream.ts';

/** The primary fetch's stand-in in the per-event plan: it answers with the event. */
const EVENT_SOURCE = '__live_event__';
/** Re-subscribe delays after an upstream drop (subgraph restart, network), growing to the last. */
const RESUBSCRIBE_MS = [100, 250, 500, 1_000, 2_000, 5_000];

export interface LiveSubscriber {
  viewerId: string | null;
  /** The subscriber's current `Bearer` token (refreshed over the connection), if signed in. */
  authorization(): string | undefined;
  /** The subscriber's buffer overflowed: its connection is closed as a slow consumer. */
  overflowed(): void;
}

export interface LiveRequest {
  document: DocumentNode;
  text: string;
  operationName?: string | null;
  variables: Record<string, unknown>;
  subscriber: LiveSubscriber;
}

type Event = ExecutionResult & { extensions?: { hiddenFrom?: string[] } };

interface DocumentGroup {
  plan: LivePlan;
  request: LiveRequest;
  members: Map<LiveSubscriber, EventQueue<ExecutionResult>>;
}

export interface LiveStats {
  streams: number;
  subscribers: number;
  events: number;
}

export class LiveHub {
  private readonly streams = new Map<string, Stream>();
  private personal = 0;
  events = 0;

  constructor(
    readonly planner: SubscriptionPlanner,
    readonly upstreams: Upstreams,
    readonly services: () => ServiceMap,
    readonly log: Logger,
    /** Events waiting for one subscriber before its connection is closed as too slow. */
    readonly buffer = 256,
  ) {}

  /** The subscriber's events, once the upstream subscription is in place; or the errors refusing it. */
  async subscribe(req: LiveRequest): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    let plan: LivePlan;
    try {
      plan = this.planner.plan(req.document, req.operationName);
    } catch (err) {
      return { errors: [err instanceof GraphQLError ? err : new GraphQLError((err as Error).message)] };
    }
    const primaryVariables = Object.fromEntries((plan.primary.variableUsages ?? []).map((v) => [v, req.variables[v]]));
    // Anonymous subscribers are all the same viewer (none): they share even what is per viewer.
    const shared = plan.shared || !req.subscriber.viewerId;
    const key = shared
      ? JSON.stringify([plan.primary.serviceName, plan.primary.operation, primaryVariables, plan.shared ? 'everyone' : 'anonymous'])
      : `personal:${++this.personal}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = new Stream(this, key, plan.primary, primaryVariables, shared ? null : req.subscriber);
      this.streams.set(key, stream);
    }
    const queue = stream.join(plan, req);
    try {
      await stream.inPlace;
    } catch (err) {
      await queue.return();
      const errors = err instanceof UpstreamRefusal ? err.errors : [err instanceof GraphQLError ? err : serviceError(err as Error)];
      return { errors: errors.map((e) => (e instanceof GraphQLError ? e : new GraphQLError(e.message, { extensions: e.extensions }))) };
    }
    return queue;
  }

  forget(stream: Stream): void {
    if (this.streams.get(stream.key) === stream) this.streams.delete(stream.key);
  }

  stats(): LiveStats {
    let subscribers = 0;
    for (const s of this.streams.values()) subscribers += s.size;
    return { streams: this.streams.size, subscribers, events: this.events };
  }

  async close(): Promise<void> {
    for (const s of [...this.streams.values()]) s.stop();
    await this.upstreams.close();
  }
}

function serviceError(err: Error): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } });
}

class Stream {
  readonly inPlace: Promise<void>;
  private readonly groups = new Map<string, DocumentGroup>();
  private unsubscribe: Unsubscribe | null = null;
  private stopped = false;
  /** Events are completed and delivered one at a time, in the order they came. */
  private queue: Promise<void> = Promise.resolve();
  private attempt = 0;

  constructor(
    private readonly hub: LiveHub,
    readonly key: string,
    private readonly primary: FetchNode,
    private readonly variables: Record<string, unknown>,
    /** The one subscriber of a personal stream (whose token it subscribes with); null when shared. */
    private readonly owner: LiveSubscriber | null,
  ) {
    this.inPlace = this.open();
    this.inPlace.catch(() => this.stop());
  }

  get size(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.members.size;
    return n;
  }

  join(plan: LivePlan, req: LiveRequest): EventQueue<ExecutionResult> {
    // The normalised document: comments and spacing do not make another group (and another execution per event).
    const key = `${req.operationName ?? ''}\n${plan.normalized}\n${JSON.stringify(req.variables)}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { plan, request: req, members: new Map() }));
    const members = group.members;
    const queue = new EventQueue<ExecutionResult>(this.hub.buffer, () => {
      members.delete(req.subscriber);
      if (!members.size) this.groups.delete(key);
      if (!this.groups.size) this.stop();
    });
    members.set(req.subscriber, queue);
    return queue;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.hub.forget(this);
    this.unsubscribe?.();
    for (const g of this.groups.values()) for (const q of g.members.values()) void q.return();
    this.groups.clear();
  }

  private async open(): Promise<void> {
    this.unsubscribe = await this.hub.upstreams.open(
      this.primary.serviceName,
      {
        query: this.primary.operation,
        operationName: this.primary.operationName,
        variables: this.variables,
        authorization: this.owner?.authorization(),
      },
      {
        next: (event) => {
          this.attempt = 0;
          this.queue = this.queue.then(() => this.deliver(event)).catch((err) => this.hub.log.error({ err }, 'live event not delivered'));
        },
        end: (error) => this.upstreamEnded(error),
      },
    );
    if (this.stopped) this.unsubscribe();
  }

  /** The subgraph ended the subscription: an error after it was in place is a drop; re-subscribe. */
  private upstreamEnded(error: Error | null): void {
    this.unsubscribe = null;
    if (this.stopped) return;
    if (!error || error instanceof UpstreamRefusal) {
      // Completed or refused by the subgraph itself (e.g. the stream broke there): tell the subscribers.
      const result: ExecutionResult = error ? { errors: (error as UpstreamRefusal).errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions })) } : {};
      for (const g of this.groups.values()) for (const q of g.members.values()) if (error) q.push(result);
      setImmediate(() => this.stop());
      return;
    }
    const delay = RESUBSCRIBE_MS[Math.min(this.attempt++, RESUBSCRIBE_MS.length - 1)]!;
    this.hub.log.warn({ subgraph: this.primary.serviceName, err: error.message, retryInMs: delay }, 'live upstream dropped; re-subscribing');
    setTimeout(() => {
      if (this.stopped) return;
      this.open().catch((err: Error) => this.upstreamEnded(err instanceof UpstreamRefusal ? err : err));
    }, delay).unref();
  }

  private async deliver(event: Event): Promise<void> {
    this.hub.events++;
    const hidden = new Set(event.extensions?.hiddenFrom ?? []);
    await Promise.all(
      [...this.groups.values()].map(async (group) => {
        const recipients = [...group.members].filter(([s]) => !(s.viewerId && hidden.has(s.viewerId)));
        if (!recipients.length) return;
        const result = await this.complete(group, event);
        for (const [subscriber, queue] of recipients) if (!queue.push(result)) subscriber.overflowed();
      }),
    );
  }

  /** The rest of the plan for one event, executed as @apollo/gateway executes a query plan. */
  private async complete(group: DocumentGroup, event: Event): Promise<ExecutionResult> {
    const replay: FetchNode = { ...group.plan.primary, serviceName: EVENT_SOURCE };
    const node: PlanNode = group.plan.rest ? { kind: 'Sequence', nodes: [replay, group.plan.rest] } : replay;
    const source: GraphQLDataSource = {
      process: async () => ({ data: event.data ?? null, errors: event.errors as GraphQLFormattedError[] | undefined }) as never,
    };
    const serviceMap: ServiceMap = { ...this.hub.services(), [EVENT_SOURCE]: source };
    // Shared streams complete anonymously (nothing selected depends on the viewer); a personal
    // one with its subscriber's current token.
    const authorization = this.owner?.authorization();
    const requestContext = {
      request: { query: group.request.text, variables: group.request.variables, operationName: group.request.operationName ?? undefined },
      context: { viewer: null, authorization, live: true },
      logger: this.hub.log,
      metrics: {},
    } as unknown as GatewayGraphQLRequestContext;
    const planner = this.hub.planner;
    // One trace per event's completion (when tracing is on): its subgraph calls are children of
    // this span rather than traces of their own. No request span is active here.
    const operation = `subscription ${group.plan.operationContext.operation.name?.value ?? ''}`.trim();
    const result = await inJobSpan(`live ${operation}`, undefined, { 'graphql.operation.type': 'subscription' }, () =>
      executeQueryPlan({ kind: 'QueryPlan', node }, serviceMap, requestContext, group.plan.operationContext, planner.supergraphSchema, planner.apiSchema),
    );
    const formatted = { data: result.data, errors: result.errors?.map((e) => (e instanceof GraphQLError ? e.toJSON() : e)), extensions: result.extensions };
    withCompletionErrors(formatted as never);
    return { data: formatted.data, ...(formatted.errors?.length ? { errors: formatted.errors } : {}) } as ExecutionResult;
  }
}
