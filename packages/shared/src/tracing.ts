// Distributed tracing with OpenTelemetry. Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: then no provider is registered, every helper here
// checks one boolean and returns, and the request path does no tracing work at all. On, each
// process exports its spans over OTLP/HTTP (JSON) in batches and continues the caller's trace
// from the W3C `traceparent` header (or, for an encode job, from the job's data) — except the
// gateway, which starts its own unless GATEWAY_TRUST_TRACEPARENT: its callers are the public. Spans: a
// SERVER span per GraphQL request in every process (apollo-http.ts), named after the operation
// once it is known; a CLIENT span per call to a subgraph (the gateway's subgraph-fetcher.ts,
// subgraph-client.ts), whose context travels in the call's headers; a CONSUMER span per encode
// attempt (queue.ts). @apollo/gateway's own spans (gateway.request, .plan, .fetch…) join in,
// as children of the gateway's server span, because they use the same global API.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage, ServerResponse } from 'node:http';

let enabled = false;
/** A proxy until a provider is registered; a no-op tracer when none ever is. */
const tracer = trace.getTracer('fffoto');

/** True once startTracing registered an exporter in this process. */
export const tracingOn = (): boolean => enabled;

/** The longest a stop waits for the last spans to be exported. */
export const TRACING_STOP_MS = 3_000;

export interface Tracing {
  /** Ends tracing: exports the spans still buffered, then lets the exporter go. */
  stop(): Promise<void>;
}

/**
 * Registers this process's tracer provider when an OTLP endpoint is configured (the exporter
 * reads OTEL_EXPORTER_OTLP_* itself, the sampler OTEL_TRACES_SAMPLER*, the batching
 * OTEL_BSP_*); undefined otherwise. `service` names the process (OTEL_SERVICE_NAME overrides).
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (enabled || !(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) return undefined;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || service, 'service.namespace': 'fffoto' }),
    // The endpoint from `env` (the exporter would read only process.env); the rest from process.env.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(env) }))],
  });
  // Global tracer provider, AsyncLocalStorage context, W3C trace context (and baggage) propagation.
  provider.register();
  enabled = true;
  return {
    async stop() {
      enabled = false;
      // Flushes what is buffered, but a collector that never answers (the exporter waits
      // OTEL_EXPORTER_OTLP_TIMEOUT, 10 s) must not hold a shutdown: its spans are given up.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, TRACING_STOP_MS)));
      await Promise.race([provider.shutdown().catch(() => undefined), bound]).finally(() => clearTimeout(timer));
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Where spans go: the traces endpoint as given, else `<endpoint>/v1/traces` (OTLP/HTTP's rule). */
function tracesUrl(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return `${env.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Runs `handle` in a SERVER span, and ends the span when `handle` settles. With `trustParent`
 * it continues the trace in the request's headers (traceparent, tracestate, baggage): for a
 * caller of ours. Without (the gateway, facing the public), it starts a trace of its own, so a
 * client cannot force sampling past the operator's sampler, choose the trace id, or send
 * tracestate and baggage on to the subgraphs; a valid client span is kept as a link only.
 * Callers check tracingOn() first (no closure when tracing is off).
 */
export function inServerSpan(
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  trustParent: boolean,
  handle: () => Promise<void>,
): Promise<void> {
  const remote = propagation.extract(ROOT_CONTEXT, req.headers);
  const parent = trustParent ? remote : ROOT_CONTEXT;
  const client = trustParent ? undefined : trace.getSpanContext(remote);
  const links = client && trace.isSpanContextValid(client) ? [{ context: { ...client, traceState: undefined } }] : undefined;
  const attributes = { 'http.request.method': req.method ?? 'GET', 'http.route': route };
  return tracer.startActiveSpan(`${req.method} ${route}`, { kind: SpanKind.SERVER, attributes, links }, parent, async (span) => {
    try {
      await handle();
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Names the current server span after its GraphQL operation ("query Feed"), as OTel's conventions do. */
export function nameOperationSpan(type: string, name: string | null | undefined): void {
  if (!enabled) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.updateName(name ? `${type} ${name}` : type);
  span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
}

/**
 * A CLIENT span for an outgoing call, child of the active span, its context written into
 * `headers` (traceparent, tracestate). Undefined when tracing is off: nothing is written.
 */
export function startClientSpan(name: string, headers: Record<string, string>, attributes?: Attributes): Span | undefined {
  if (!enabled) return undefined;
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  propagation.inject(trace.setSpan(context.active(), span), headers);
  return span;
}

/** Ends a span from startClientSpan; an error (or an HTTP status of 500 and above) marks it failed. */
export function endSpan(span: Span | undefined, outcome: { error?: unknown; status?: number } = {}): void {
  if (!span) return;
  if (outcome.status !== undefined) span.setAttribute('http.response.status_code', outcome.status);
  if (outcome.error !== undefined) failSpan(span, outcome.error);
  else if (outcome.status !== undefined && outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

function failSpan(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** The active trace context as a small object (W3C fields), to carry in a queued job's data. */
export type TraceCarrier = Record<string, string>;

export function traceCarrier(): TraceCarrier | undefined {
  if (!enabled || !trace.getActiveSpan()) return undefined;
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs a job in a CONSUMER span continuing the trace that enqueued it (or a new one). */
export function inJobSpan<T>(name: string, carrier: TraceCarrier | undefined, attributes: Attributes, run: () => Promise<T>): Promise<T> {
  if (!enabled) return run();
  const parent = carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await run();
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}
