// How the gateway plans subscriptions on the real composed supergraph, and what it may share.
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SubscriptionPlanner } from '../src/live/subscription-plan.ts';

const planner = new SubscriptionPlanner(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
const plan = (text: string) => planner.plan(parse(text), undefined);

describe('SubscriptionPlanner', () => {
  it('sends the primary fetch to the owning subgraph and the rest to the others', () => {
    const p = plan('subscription ($p: ID!) { commentAdded(postId: $p) { text author { handle } post { likeCount loop { mp4Url } } } }');
    expect(p.primary.serviceName).toBe('social');
    expect(p.primary.operationKind).toBe('subscription');
    const services = JSON.stringify(p.rest).match(/"serviceName":"(\w+)"/g);
    expect(new Set(services)).toEqual(new Set(['"serviceName":"users"', '"serviceName":"posts"', '"serviceName":"media"']));
  });

  it('shares a public stream whose selection does not depend on the viewer', () => {
    expect(plan('subscription ($p: ID!) { likeAdded(postId: $p) { id user { handle } post { likeCount } } }').shared).toBe(true);
  });

  it('does not share a selection with a @perViewer field, at any depth or through a fragment', () => {
    expect(plan('subscription ($p: ID!) { likeAdded(postId: $p) { post { viewerHasLiked } } }').shared).toBe(false);
    expect(plan('subscription ($p: ID!) { likeAdded(postId: $p) { user { followers { edges { cursor } } } } }').shared).toBe(false);
    expect(plan('subscription ($p: ID!) { commentAdded(postId: $p) { author { ...F } } } fragment F on User { posts { edges { cursor } } }').shared).toBe(false);
  });

  it('never shares a personal stream (activityAdded, loopUpdated)', () => {
    expect(plan('subscription { activityAdded { kind } }').shared).toBe(false);
    expect(plan('subscription ($id: ID!) { loopUpdated(id: $id) { status } }').shared).toBe(false);
  });
});
