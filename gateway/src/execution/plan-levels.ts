// A query plan as levels: every fetch runs in the first level after everything it depends on.
// The planner nests Parallel and Sequence nodes per branch of the query, so two branches that
// each need products at their second step send two products fetches at two different moments
// (whenever each branch's first step happens to answer). Run level by level, those fetches go
// out together, and the executor can merge them into one request per subgraph (merge-entities.ts).
// Only the order changes: a Sequence's steps stay in order, a Parallel's branches were
// independent to begin with, so no fetch runs before one it depends on.
//
// A fetch nothing waits for (the last step of its branch) may also run later than it could:
// when its subgraph is asked again at a later level anyway, it joins that request instead of
// costing one of its own, and the response is not delayed (that later level runs regardless).
import type { PlanNode } from '@apollo/query-planner';

/** A node run as a whole within one level: a fetch, a flattened fetch, or a condition. */
export type LevelNode = Exclude<PlanNode, { kind: 'Sequence' | 'Parallel' }>;

interface Placed {
  node: LevelNode;
  /** Nothing after it in its branch: it may move to a later level. */
  last: boolean;
}

function place(node: PlanNode, last: boolean): Placed[][] {
  switch (node.kind) {
    case 'Sequence':
      return node.nodes.flatMap((child, i) => place(child, last && i === node.nodes.length - 1));
    case 'Parallel': {
      const levels: Placed[][] = [];
      for (const child of node.nodes) place(child, last).forEach((level, depth) => (levels[depth] ??= []).push(...level));
      return levels;
    }
    default:
      return [[{ node, last }]];
  }
}

/** The subgraph a level node sends to, if it is a (flattened) fetch. */
export function serviceOf(node: LevelNode): string | undefined {
  const inner = node.kind === 'Flatten' ? node.node : node;
  return inner.kind === 'Fetch' ? inner.serviceName : undefined;
}

export function planLevels(node: PlanNode | undefined): LevelNode[][] {
  if (!node) return [];
  const levels = place(node, true);
  for (let depth = levels.length - 2; depth >= 0; depth--) {
    levels[depth] = levels[depth]!.filter((placed) => {
      const service = serviceOf(placed.node);
      // Only entity fetches are merged into another request (root fetches go out on their own).
      if (!placed.last || !service || placed.node.kind !== 'Flatten') return true;
      const later = levels.findIndex((level, d) => d > depth && level.some((other) => serviceOf(other.node) === service));
      if (later === -1) return true;
      levels[later]!.push(placed);
      return false;
    });
  }
  return levels.filter((level) => level.length).map((level) => level.map((placed) => placed.node));
}
