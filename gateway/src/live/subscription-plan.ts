// Plans subscriptions with @apollo/query-planner, as @apollo/gateway plans queries (same
// supergraph, same planner): a SubscriptionNode { primary, rest }. The primary fetch is the
// subscription sent to the subgraph that owns the root field; `rest` is the ordinary plan that
// completes each event with fields of other subgraphs. Also read from the supergraph: which
// root fields are public streams (@publicStream) and which fields depend on the viewer
// (@perViewer), so the hub knows what it may share between subscribers.
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import { buildOperationContext } from '@apollo/gateway';
import {
  GraphQLError,
  isAbstractType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';

type OperationContext = ReturnType<typeof buildOperationContext>;

export interface LivePlan {
  primary: FetchNode;
  rest?: PlanNode;
  operationContext: OperationContext;
  /** The document as printed from its AST: no comments, one spacing. */
  normalized: string;
  /** The subscription root field (its response key is the field name or alias). */
  rootField: string;
  /**
   * One upstream subscription may serve every subscriber: the root field is a public stream
   * and nothing selected depends on the viewer.
   */
  shared: boolean;
}

export class SubscriptionPlanner {
  readonly apiSchema: Schema;
  readonly schema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly publicStreams = new Set<string>();
  private readonly perViewer = new Set<string>();
  private readonly cache = new Map<string, LivePlan>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.apiSchema = supergraph.apiSchema();
    this.schema = this.apiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    // Composed directives (@composeDirective) stay on the supergraph's fields.
    for (const def of parse(supergraphSdl).definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
      for (const field of def.fields ?? []) {
        const names = new Set(field.directives?.map((d) => d.name.value));
        if (names.has('publicStream') && def.name.value === 'Subscription') this.publicStreams.add(field.name.value);
        if (names.has('perViewer')) this.perViewer.add(`${def.name.value}.${field.name.value}`);
      }
    }
  }

  /** The plan of a validated subscription document (cached per document and operation name). */
  plan(document: DocumentNode, operationName: string | undefined | null): LivePlan {
    const normalized = print(document);
    const key = `${operationName ?? ''}\n${normalized}`;
    let plan = this.cache.get(key);
    if (plan) return plan;
    const operation = operationFromDocument(this.apiSchema, document, { operationName: operationName ?? undefined });
    const queryPlan = this.planner.buildQueryPlan(operation);
    const node = queryPlan.node;
    if (node?.kind !== 'Subscription') throw new GraphQLError('Not a subscription.', { extensions: { code: 'BAD_USER_INPUT' } });
    const operationContext = buildOperationContext({ schema: this.schema, operationDocument: document, operationName: operationName ?? undefined });
    const root = operationContext.operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
    const rootField = root?.kind === Kind.FIELD ? root.name.value : '';
    plan = {
      primary: node.primary,
      rest: node.rest,
      operationContext,
      normalized,
      rootField,
      shared: this.publicStreams.has(rootField) && !this.selectsPerViewer(document),
    };
    if (this.cache.size > 1_000) this.cache.clear();
    this.cache.set(key, plan);
    return plan;
  }

  private selectsPerViewer(document: DocumentNode): boolean {
    if (!this.perViewer.size) return false;
    const typeInfo = new TypeInfo(this.schema);
    let found = false;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: () => {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field) return;
          if (this.perViewer.has(`${parent.name}.${field.name}`)) found = true;
          // A field of an interface: any implementation's @perViewer counts.
          if (!isAbstractType(parent)) return;
          for (const impl of this.schema.getPossibleTypes(parent)) if (this.perViewer.has(`${impl.name}.${field.name}`)) found = true;
        },
      }),
    );
    return found;
  }
}
