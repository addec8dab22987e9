// Plans run level by level (pure): order kept within a branch, branches side by side, a last
// step moved to a later level that asks its subgraph anyway; merged fetches keep apart.
import type { FetchNode, FlattenNode, PlanNode } from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { mergeEntityFetches } from '../src/execution/merge-entities.ts';
import { planLevels } from '../src/execution/plan-levels.ts';

const fetch = (serviceName: string, label: string): FetchNode => ({
  kind: 'Fetch',
  serviceName,
  operation: `{ ${label} }`,
  operationName: undefined,
  operationKind: 'query' as FetchNode['operationKind'],
});
const entities = (serviceName: string, label: string): FlattenNode => ({
  kind: 'Flatten',
  path: [label],
  node: { ...fetch(serviceName, label), requires: [] },
});
const seq = (...nodes: PlanNode[]): PlanNode => ({ kind: 'Sequence', nodes });
const par = (...nodes: PlanNode[]): PlanNode => ({ kind: 'Parallel', nodes });
const labels = (levels: ReturnType<typeof planLevels>) =>
  levels.map((level) => level.map((n) => (n.kind === 'Flatten' ? (n.node as FetchNode) : (n as FetchNode)).operation.slice(2, -2)).sort());

describe('planLevels', () => {
  it('runs the n-th step of every branch together, each branch in its order', () => {
    const plan = par(seq(fetch('a', 'a1'), entities('b', 'b1'), entities('c', 'c1')), seq(fetch('d', 'd1'), entities('b', 'b2')));
    expect(labels(planLevels(plan))).toEqual([['a1', 'd1'], ['b1', 'b2'], ['c1']]);
  });

  it('moves a last step to a later level that asks the same subgraph, never a step something waits for', () => {
    const plan = par(
      seq(fetch('acc', 'users'), entities('inv', 'stock')), // stock: last of its branch
      seq(fetch('prod', 'top'), entities('rev', 'reviews'), entities('inv', 'shipping')),
      seq(fetch('x', 'x0'), entities('inv', 'needed'), entities('y', 'after')), // needed: y waits for it
    );
    expect(labels(planLevels(plan))).toEqual([['top', 'users', 'x0'], ['needed', 'reviews'], ['after', 'shipping', 'stock']]);
  });

  it('keeps root fetches (mutations in order) where they are', () => {
    const plan = seq(fetch('s', 'm1'), entities('t', 'e1'), fetch('s', 'm2'));
    expect(labels(planLevels(plan))).toEqual([['m1'], ['e1'], ['m2']]);
    expect(planLevels(undefined)).toEqual([]);
  });
});

describe('mergeEntityFetches', () => {
  const shape = (selection: string, fragment: string): FetchNode => ({
    ...fetch('products', ''),
    operationName: 'Q__products__1',
    operation: `query Q__products__1($representations:[_Any!]!,$first:Int){_entities(representations:$representations){...on Product{...F}}} fragment F on Product{${fragment} ${selection}}`,
    variableUsages: ['first'],
  });

  it('one operation, an alias and a representations variable per selection, fragments renamed apart', () => {
    const merged = mergeEntityFetches([shape('name', 'upc'), shape('price', 'weight')]);
    expect(merged.aliases).toEqual([
      { responseKey: '_0', variable: 'representations_0' },
      { responseKey: '_1', variable: 'representations_1' },
    ]);
    const doc = parse(merged.query);
    const printed = merged.query;
    expect(printed).toContain('_0:_entities(representations:$representations_0)');
    expect(printed).toContain('_1:_entities(representations:$representations_1)');
    expect(printed).toContain('fragment F_0 on Product{upc name}');
    expect(printed).toContain('fragment F_1 on Product{weight price}');
    expect(doc.definitions).toHaveLength(3);
    // A variable the client's operation passes down is declared once, under its own name.
    expect(printed.match(/\$first:Int/g)).toHaveLength(1);
  });

  it('never takes the name of a variable of the client that a fetch passes down', () => {
    const clash = { ...shape('name', 'upc'), variableUsages: ['representations_0'] };
    const merged = mergeEntityFetches([clash, shape('price', 'weight')]);
    expect(merged.aliases.map((a) => a.variable)).toEqual(['_representations_0', 'representations_1']);
  });

  it('a single selection goes out exactly as the planner wrote it', () => {
    const only = shape('name', 'upc');
    expect(mergeEntityFetches([only])).toMatchObject({ query: only.operation, aliases: [{ responseKey: '_entities', variable: 'representations' }] });
  });
});
