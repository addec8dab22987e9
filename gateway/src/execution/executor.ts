// The gateway's executor: @apollo/gateway's query planner and result shaping, run level by
// level (plan-levels.ts) so that the entity fetches of one level to one subgraph go out as one
// request (merge-entities.ts), with what stock recomputes on every request (the operation in
// the planner's terms, the plan, the levels) prepared once per parsed document. The semantics
// are stock's: representations, rewrites, merges, error paths and the response's shape come
// from the same functions or follow them line by line (gateway/test/federation-parity.e2e).
import { ERRORS, errorCodeDef, operationFromDocument, Supergraph, type Operation, type Schema } from '@apollo/federation-internals';
import { buildOperationContext, type GraphQLDataSource } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types.js';
import { applyRewrites, isObjectOfType } from '@apollo/gateway/dist/dataRewrites.js';
import { generateHydratedPaths } from '@apollo/gateway/dist/executeQueryPlan.js';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge.js';
import { evaluateCondition, QueryPlanner, type FetchNode, type PlanNode, type QueryPlan, type QueryPlanSelectionNode, type ResponsePath } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  executeSync,
  getVariableValues,
  GraphQLError,
  Kind,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type SelectionNode,
} from 'graphql';
import { planRepresentations } from '../dedupe-representations.ts';
import { fetchShapeKey, mergeEntityFetches, type MergedEntitiesOperation } from './merge-entities.ts';
import { planLevels, type LevelNode } from './plan-levels.ts';
import { compileOperation, inherited, shapeResponse, type CompiledOperation } from './shape-response.ts';

/** Subscriptions are live (live/client-sockets.ts): over HTTP they get a pointer there. */
const SUBSCRIPTION_OVER_HTTP = new GraphQLError('Subscriptions are served over a WebSocket (graphql-ws protocol) at /graphql, not over HTTP.', {
  extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
});

type OperationContext = ReturnType<typeof buildOperationContext>;
type Data = Record<string, unknown>;

interface Prepared {
  operationContext: OperationContext;
  operation: Operation;
  plan: QueryPlan;
  levels: LevelNode[][];
  shape: CompiledOperation;
}

interface Cursor {
  path: ResponsePath;
  data: unknown;
  fullResult: Data;
}

interface Run {
  requestContext: GatewayGraphQLRequestContext;
  prepared: Prepared;
  errors: Error[];
  services: Record<string, GraphQLDataSource>;
}

interface EntityJob {
  fetch: FetchNode;
  cursor: Cursor;
  entities: Data[];
  representations: Data[];
  representationToEntity: number[];
}

export class LevelExecutor {
  private readonly apiSchema: Schema;
  private readonly schema: GraphQLSchema;
  private readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly prepared = new WeakMap<DocumentNode, Map<string, Prepared>>();
  private readonly merged = new Map<string, MergedEntitiesOperation>();

  constructor(
    supergraphSdl: string,
    private readonly services: () => Record<string, GraphQLDataSource>,
  ) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  readonly execute = async (requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> => {
    const { request, document } = requestContext;
    if (requestContext.operation?.operation === 'subscription') return { errors: [SUBSCRIPTION_OVER_HTTP] };
    const prepared = this.prepare(document, request.operationName ?? undefined);
    const variableDefinitions = prepared.operationContext.operation.variableDefinitions;
    if (variableDefinitions?.length) {
      const { errors } = getVariableValues(this.schema, variableDefinitions, request.variables ?? {});
      if (errors) return { errors };
    }
    const run: Run = { requestContext, prepared, errors: [], services: this.services() };
    const data: Data = Object.create(null);
    const root: Cursor = { path: [], data, fullResult: data };
    for (const level of prepared.levels) await this.runLevel(run, level, root);
    return this.shape(run, data);
  };

  /** Plan and operation of a parsed document (Apollo Server reuses one per distinct query). */
  private prepare(document: DocumentNode, operationName: string | undefined): Prepared {
    let byName = this.prepared.get(document);
    if (!byName) this.prepared.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let prepared = byName.get(key);
    if (prepared) return prepared;
    const operationContext = buildOperationContext({ schema: this.schema, operationDocument: document, operationName });
    const operation = operationFromDocument(this.apiSchema, document, { operationName });
    const plan = this.planner.buildQueryPlan(operation);
    prepared = { operationContext, operation, plan, levels: planLevels(plan.node as PlanNode | undefined), shape: compileOperation(operation) };
    byName.set(key, prepared);
    return prepared;
  }

  private async runLevel(run: Run, level: LevelNode[], cursor: Cursor): Promise<void> {
    const roots: Array<{ fetch: FetchNode; cursor: Cursor }> = [];
    const entityJobs = new Map<string, EntityJob[]>();
    const nested: Array<Promise<void>> = [];
    for (const node of level) {
      let at: Cursor | undefined = cursor;
      let inner = node as LevelNode | undefined;
      if (node.kind === 'Flatten') {
        at = moveIntoCursor(cursor, node.path);
        inner = node.node as LevelNode;
      }
      if (!at || !inner) continue;
      if (inner.kind === 'Fetch') {
        if (!inner.requires) roots.push({ fetch: inner, cursor: at });
        else {
          const job = this.entityJob(run, inner, at);
          if (job) entityJobs.set(inner.serviceName, [...(entityJobs.get(inner.serviceName) ?? []), job]);
        }
      } else if (inner.kind === 'Condition') {
        const branch = evaluateCondition(inner, run.prepared.operation.variableDefinitions, run.requestContext.request.variables)
          ? inner.ifClause
          : inner.elseClause;
        const start = at;
        if (branch) nested.push((async () => { for (const l of planLevels(branch)) await this.runLevel(run, l, start); })());
      } else if (inner.kind === 'Defer') {
        throw new Error('@defer support is not available in the gateway');
      } else {
        const start = at;
        nested.push((async () => { for (const l of planLevels(inner)) await this.runLevel(run, l, start); })());
      }
    }
    await Promise.all([
      ...roots.map(({ fetch, cursor: at }) => this.rootFetch(run, fetch, at).catch((err: Error) => void run.errors.push(err))),
      ...[...entityJobs].map(([service, jobs]) => this.entityFetches(run, service, jobs)),
      ...nested,
    ]);
  }

  /** The fetch's variables: the ones it uses, as the client sent them. */
  private variablesOf(run: Run, fetches: FetchNode[]): Data {
    const variables: Data = Object.create(null);
    const provided = run.requestContext.request.variables;
    if (!provided) return variables;
    for (const fetch of fetches) {
      for (const name of fetch.variableUsages ?? []) {
        if (Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
      }
    }
    return variables;
  }

  private async rootFetch(run: Run, fetch: FetchNode, cursor: Cursor): Promise<void> {
    const entities = entitiesAt(cursor);
    if (!entities.length) return;
    const response = await this.send(run, fetch.serviceName, {
      query: fetch.operation,
      operationName: fetch.operationName,
      variables: this.variablesOf(run, [fetch]),
      path: cursor.path,
    });
    this.collectErrors(run, fetch, cursor, response.errors);
    if (!response.data) return;
    applyRewrites(this.supergraphSchema, fetch.outputRewrites, response.data);
    for (const entity of entities) deepMerge(entity, response.data);
  }

  private entityJob(run: Run, fetch: FetchNode, cursor: Cursor): EntityJob | undefined {
    const entities = entitiesAt(cursor);
    const representations: Data[] = [];
    const representationToEntity: number[] = [];
    entities.forEach((entity, index) => {
      const representation = selectRepresentation(this.supergraphSchema, entity, fetch.requires!);
      if (representation && representation.__typename) {
        applyRewrites(this.supergraphSchema, fetch.inputRewrites, representation);
        representations.push(representation);
        representationToEntity.push(index);
      }
    });
    if (!representations.length) return undefined;
    if (fetch.variableUsages?.includes('representations')) {
      run.errors.push(new Error('Variables cannot contain key "representations"'));
      return undefined;
    }
    return { fetch, cursor, entities, representations, representationToEntity };
  }

  /** A level's entity fetches to one subgraph: one request, each distinct selection its alias. */
  private async entityFetches(run: Run, service: string, jobs: EntityJob[]): Promise<void> {
    const shapes = new Map<string, EntityJob[]>();
    for (const job of jobs) {
      const key = fetchShapeKey(job.fetch);
      shapes.set(key, [...(shapes.get(key) ?? []), job]);
    }
    // The merged operation takes its name from the first fetch: part of the key, so another client
    // operation with the same shapes gets its own name (subgraph logs, traces, metrics).
    const cacheKey = `${service}\n${jobs[0]!.fetch.operationName ?? ''}\n${[...shapes.keys()].join('\n')}`;
    let merged = this.merged.get(cacheKey);
    if (!merged) {
      merged = mergeEntityFetches([...shapes.values()].map((group) => group[0]!.fetch));
      if (this.merged.size > 5_000) this.merged.clear();
      this.merged.set(cacheKey, merged);
    }
    const plans = [...shapes.values()].map((group) => planRepresentations(group.map((job) => job.representations)));
    const variables = this.variablesOf(run, jobs.map((job) => job.fetch));
    merged.aliases.forEach((alias, i) => (variables[alias.variable] = plans[i]!.representations));
    let response: SubgraphAnswer;
    try {
      response = await this.send(run, service, { query: merged.query, operationName: merged.operationName, variables, path: jobs[0]!.cursor.path, document: merged.document });
    } catch (err) {
      for (const _ of jobs) run.errors.push(err as Error);
      return;
    }
    const groups = [...shapes.values()];
    const failure = jobs.length > 1 ? failedAliases(response, merged.aliases.map((a) => a.responseKey)) : undefined;
    if (failure) {
      // One entity failing fails a whole `_entities` field and, that field being non-null, the
      // whole answer: fetches merged with it would fail too, and report it once. Stock sent
      // them apart. An alias that failed keeps its answer when it served one fetch, and sends
      // its fetches one at a time when it served several (sent together they would be merged
      // again), so each fails or succeeds on its own; the others go again, merged, when the
      // failure took their answer with it.
      const again = failure.lost ? groups.filter((_, i) => !failure.failed.has(i)).flat() : [];
      await Promise.all([
        again.length ? this.entityFetches(run, service, again) : undefined,
        ...groups.map(async (group, i) => {
          const answer = () => answerOf(response, merged.aliases[i]!.responseKey, i === 0 || failure.failed.has(i), plans[i]!.representations.length);
          if (!failure.failed.has(i)) return failure.lost ? undefined : this.answerGroup(run, group, plans[i]!, answer());
          if (group.length === 1) return this.answerGroup(run, group, plans[i]!, answer());
          for (const job of group) await this.entityFetches(run, service, [job]);
        }),
      ]);
      return;
    }
    groups.forEach((group, i) => {
      this.answerGroup(run, group, plans[i]!, answerOf(response, merged.aliases[i]!.responseKey, i === 0, plans[i]!.representations.length));
    });
  }

  /** One alias's answer to the fetches that share it, each merged into its own entities. */
  private answerGroup(run: Run, group: EntityJob[], plan: ReturnType<typeof planRepresentations>, answer: SubgraphAnswer): void {
    const received = answer.data?._entities;
    if (Array.isArray(received) && received.length !== plan.representations.length) {
      // A subgraph answering a different number of entities than asked: nothing can be
      // matched up (stock's error, with each fetch's own count), never shifted answers.
      for (const job of group) {
        this.collectErrors(run, job.fetch, job.cursor, answer.errors?.filter((e) => e.path?.[0] !== '_entities'));
        run.errors.push(new Error(`Expected "data._entities" to contain ${job.representations.length} elements`));
      }
      return;
    }
    plan.split(answer).forEach((own, j) => {
      try {
        this.mergeEntities(run, group[j]!, own);
      } catch (err) {
        run.errors.push(err as Error);
      }
    });
  }

  private mergeEntities(run: Run, job: EntityJob, response: SubgraphAnswer): void {
    const { fetch, cursor, entities, representations, representationToEntity } = job;
    this.collectErrors(run, fetch, cursor, response.errors);
    if (!response.data) return;
    const received = response.data._entities;
    if (!Array.isArray(received)) throw new Error(`Expected "data._entities" in response to be an array`);
    if (received.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
    received.forEach((entity: Data | null, i) => {
      const existing = entities[representationToEntity[i]!]!;
      if (entity && !entity.__typename) entity.__typename = existing.__typename;
      applyRewrites(this.supergraphSchema, fetch.outputRewrites, entity as Data);
      deepMerge(existing, entity);
    });
  }

  private async send(
    run: Run,
    service: string,
    request: { query: string; operationName: string | undefined; variables: Data; path: ResponsePath; document?: DocumentNode },
  ): Promise<SubgraphAnswer> {
    const dataSource = run.services[service];
    if (!dataSource) throw new Error(`Couldn't find service with name "${service}"`);
    const response = await dataSource.process({
      kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
      request: { query: request.query, variables: request.variables, operationName: request.operationName },
      incomingRequestContext: run.requestContext,
      context: run.requestContext.context,
      document: request.document,
      pathInIncomingRequest: request.path,
    });
    return response as SubgraphAnswer;
  }

  /** The subgraph's errors at their places in the client's response, as stock reports them. */
  private collectErrors(run: Run, fetch: FetchNode, cursor: Cursor, errors: readonly GraphQLFormattedError[] | undefined): void {
    if (!errors?.length) return;
    let hydrated: ResponsePath[] | undefined;
    const pathOf = (path: readonly (string | number)[] | undefined): ResponsePath | undefined => {
      if (fetch.requires && typeof path?.[1] === 'number') {
        if (!hydrated) generateHydratedPaths([], cursor.path, cursor.fullResult, (hydrated = []));
        return [...(hydrated[path[1]] ?? []), ...path.slice(2)];
      }
      return path ? [...cursor.path, ...path] : undefined;
    };
    for (const error of errors) run.errors.push(downstreamServiceError(error, fetch.serviceName, pathOf(error.path)));
  }

  private shape(run: Run, data: Data): GatewayExecutionResult {
    const { requestContext, prepared } = run;
    const variables = requestContext.request.variables;
    try {
      const { data: shaped, errors: completion } = shapeResponse(prepared.shape, data, variables, (node) => this.introspect(node, prepared, variables));
      if (!run.errors.length && completion.length) return { extensions: { valueCompletion: completion }, data: shaped };
      return run.errors.length ? { errors: run.errors as GraphQLError[], data: shaped } : { data: shaped };
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error] };
      return { errors: [new GraphQLError((error as Error).message, { originalError: error as Error })] };
    }
  }

  /** `__schema` / `__type` at the root, answered from the API schema as stock does. */
  private introspect(selection: SelectionNode, prepared: Prepared, variables: Data | undefined): unknown {
    const { data, errors } = executeSync({
      schema: prepared.operationContext.schema,
      document: {
        kind: Kind.DOCUMENT,
        definitions: [
          {
            kind: Kind.OPERATION_DEFINITION,
            operation: 'query' as never,
            variableDefinitions: prepared.operationContext.operation.variableDefinitions,
            selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] },
          },
        ],
      },
      rootValue: {},
      variableValues: variables,
    });
    if (errors?.length || !data) throw new Error(`Introspection failed: ${JSON.stringify(errors)}`);
    const key = selection.kind === Kind.FIELD ? (selection.alias?.value ?? selection.name.value) : '';
    return data[key];
  }
}

interface SubgraphAnswer {
  data?: Data | null;
  errors?: readonly GraphQLFormattedError[];
  [key: string]: unknown;
}

/**
 * One alias's share of a merged answer, shaped like a lone fetch's: `_entities` and errors
 * under `_entities`. A field-level error without an index (a subgraph that could not be
 * reached fails each root field) becomes one error per representation, as for a lone fetch;
 * errors with no alias at all go to the first alias only (they are about the whole request).
 */
function answerOf(response: SubgraphAnswer, responseKey: string, first: boolean, count: number): SubgraphAnswer {
  if (responseKey === '_entities') return response;
  const errors = response.errors?.flatMap((error): GraphQLFormattedError[] => {
    const [head, ...rest] = error.path ?? [];
    if (head !== responseKey) return head === undefined || !String(head).startsWith('_') ? (first ? [error] : []) : [];
    if (!rest.length) return Array.from({ length: count }, (_, i) => ({ ...error, path: ['_entities', i] }));
    return [{ ...error, path: ['_entities', ...rest] }];
  });
  const data = response.data === null || response.data === undefined ? response.data : { _entities: response.data[responseKey] };
  return { ...(data !== undefined ? { data } : {}), ...(errors?.length ? { errors } : {}) };
}

/**
 * Which aliases of a merged answer failed as a whole rather than entity by entity (an error
 * about a whole `_entities` field, or about no field at all: then every alias), when the
 * answer lost more than those: no data. Undefined when nothing needs asking again. Not an
 * outage (every part would fail alike; answerOf gives each its errors).
 */
function failedAliases(response: SubgraphAnswer, responseKeys: string[]): { failed: Set<number>; lost: boolean } | undefined {
  const errors = response.errors?.filter((error) => !isOutage(error)) ?? [];
  if (!errors.length) return undefined;
  const lost = response.data === null || response.data === undefined;
  const all = () => ({ failed: new Set(responseKeys.map((_, i) => i)), lost });
  const failed = new Set<number>();
  for (const error of errors) {
    const head = error.path?.[0];
    const index = head === undefined ? -1 : responseKeys.indexOf(String(head));
    if (index === -1) return all(); // about the whole request
    if (error.path!.length === 1) failed.add(index);
  }
  if (!failed.size) return lost ? all() : undefined;
  return { failed, lost };
}

const isOutage = (error: GraphQLFormattedError) => error.extensions?.code === 'SERVICE_UNAVAILABLE';

function entitiesAt(cursor: Cursor): Data[] {
  return Array.isArray(cursor.data) ? (cursor.data.filter((e) => e !== null && e !== undefined) as Data[]) : [cursor.data as Data];
}

function moveIntoCursor(cursor: Cursor, path: ResponsePath): Cursor | undefined {
  const data = flattenAt(cursor.data, path);
  return data ? { path: [...cursor.path, ...path], data, fullResult: cursor.fullResult } : undefined;
}

function flattenAt(value: unknown, path: ResponsePath, from = 0): unknown {
  if (from === path.length || value === undefined || value === null) return value;
  const current = path[from]!;
  if (current === '@') {
    // Stock's flatMap, into one array (no array per element and level).
    const out: unknown[] = [];
    for (const element of value as unknown[]) {
      const flat = flattenAt(element, path, from + 1);
      if (Array.isArray(flat)) for (const item of flat) out.push(item);
      else out.push(flat);
    }
    return out;
  }
  return flattenAt(Object.hasOwn(value as Data, current as string) ? (value as Data)[current as string] : undefined, path, from + 1);
}

const plainSafeSelections = new WeakMap<readonly QueryPlanSelectionNode[], boolean>();

/** Whether no field of a `requires` selection, however deep, is named like an Object.prototype member. */
function plainSafe(selections: readonly QueryPlanSelectionNode[]): boolean {
  let safe = plainSafeSelections.get(selections);
  if (safe === undefined) {
    safe = selections.every((s) => (s.kind === 'Field' ? !inherited(s.alias ?? s.name) : true) && (!s.selections || plainSafe(s.selections)));
    plainSafeSelections.set(selections, safe);
  }
  return safe;
}

/** The planner's `requires` selection read off an entity: its representation (stock's rule). */
function selectRepresentation(schema: GraphQLSchema, source: Data | null, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  // A plain object where no key is one a plain object inherits (stock: always a null prototype,
  // which V8 keeps in dictionary mode, slower to key and to serialize).
  const result: Data = plainSafe(selections) ? {} : Object.create(null);
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      const value = Object.hasOwn(source, name) ? source[name] : undefined;
      if (value === undefined) return null;
      const sub = selection.selections;
      if (Array.isArray(value)) result[name] = value.map((v: Data | null) => (sub ? selectRepresentation(schema, v, sub) : v));
      else result[name] = sub ? selectRepresentation(schema, value as Data | null, sub) : value;
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      deepMerge(result, selectRepresentation(schema, source, selection.selections));
    }
  }
  return result;
}

/** A subgraph's error as stock @apollo/gateway re-raises it (its code kept, serviceName added). */
function downstreamServiceError(original: GraphQLFormattedError, serviceName: string, path: ResponsePath | undefined): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = { originalError: original as Error, path, extensions: { ...original.extensions, serviceName } };
  const codeDef = errorCodeDef(original as GraphQLError);
  if (!codeDef && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
