// The authorization matrix of every social mutation, through the gateway: without a viewer,
// on someone else's object, across a block (either direction) and with malformed input, each
// gets its extensions.code — and the tables are exactly as before.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, expectCode, knownPost, makeStaff, ok, PASSWORD, people, startSocialStack, type Person, type SocialStack } from './support.ts';

let stack: SocialStack;
let alice: Person; // author of the post
let bob: Person; // a stranger
let carol: Person; // blocked by alice
let dave: Person; // blocks alice
let postId: string;
let commentId: string;

const M = {
  follow: `mutation ($id: ID!) { follow(userId: $id) { id } }`,
  unfollow: `mutation ($id: ID!) { unfollow(userId: $id) { id } }`,
  like: `mutation ($id: ID!) { likePost(postId: $id) { id } }`,
  unlike: `mutation ($id: ID!) { unlikePost(postId: $id) { id } }`,
  comment: `mutation ($id: ID!, $text: String!) { addComment(postId: $id, text: $text) { id } }`,
  deleteComment: `mutation ($id: ID!) { deleteComment(id: $id) }`,
  block: `mutation ($id: ID!) { blockUser(userId: $id) }`,
  unblock: `mutation ($id: ID!) { unblockUser(userId: $id) }`,
  report: `mutation ($input: ReportInput!) { report(input: $input) }`,
  markRead: `mutation { markActivityRead }`,
};

/**
 * Every social row about this file's people and post, to prove a refused call changed nothing
 * (other test files write the same tables at the same time).
 */
async function snapshot() {
  const db = stack.socialDb;
  const ids = [alice, bob, carol, dave].map((p) => p.id);
  const any = { in: ids };
  return JSON.stringify(await Promise.all([
    db.follow.findMany({ where: { OR: [{ followerId: any }, { followeeId: any }] }, orderBy: [{ followerId: 'asc' }, { followeeId: 'asc' }] }),
    db.like.findMany({ where: { OR: [{ userId: any }, { postId }] }, orderBy: { id: 'asc' } }),
    db.comment.findMany({ where: { OR: [{ authorId: any }, { postId }] }, orderBy: { id: 'asc' } }),
    db.block.findMany({ where: { OR: [{ blockerId: any }, { blockedId: any }] }, orderBy: [{ blockerId: 'asc' }, { blockedId: 'asc' }] }),
    db.report.findMany({ where: { reporterId: any }, orderBy: { id: 'asc' } }),
    db.activity.findMany({ where: { OR: [{ actorId: any }, { recipientId: any }] }, orderBy: { id: 'asc' } }),
    db.activityRead.findMany({ where: { userId: any }, orderBy: { userId: 'asc' } }),
    db.feedEntry.findMany({ where: { OR: [{ userId: any }, { authorId: any }] }, orderBy: [{ userId: 'asc' }, { postId: 'asc' }] }),
    db.socialEvent.findMany({ orderBy: { id: 'asc' }, select: { type: true, payload: true } }).then((events) =>
      events.filter((e) => ids.some((id) => JSON.stringify(e.payload).includes(id)))),
  ]));
}

beforeAll(async () => {
  // posts runs too: unknown post ids are read through from it (NOT_FOUND there → NOT_FOUND here).
  stack = await startSocialStack({ posts: true });
  [alice, bob, carol, dave] = await people(stack, 4, 'az');
  postId = await knownPost(stack, alice!.id);
  ok(await stack.gql(M.block, { id: carol!.id }, alice!.token));
  ok(await stack.gql(M.block, { id: alice!.id }, dave!.token));
  commentId = ok(await stack.gql<{ addComment: { id: string } }>(M.comment, { id: postId, text: 'first!' }, bob!.token)).addComment.id;
});
afterAll(() => stack?.stop());

type Case = [name: string, query: string, variables: Record<string, unknown>, who: () => Person | undefined, code: string];

const cases: Case[] = [
  // No viewer.
  ['follow, signed out', M.follow, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['unfollow, signed out', M.unfollow, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['likePost, signed out', M.like, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['unlikePost, signed out', M.unlike, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['addComment, signed out', M.comment, { id: randomUUID(), text: 'hi' }, () => undefined, 'UNAUTHENTICATED'],
  ['deleteComment, signed out', M.deleteComment, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['blockUser, signed out', M.block, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['unblockUser, signed out', M.unblock, { id: randomUUID() }, () => undefined, 'UNAUTHENTICATED'],
  ['report, signed out', M.report, { input: { subject: randomUUID(), reason: 'SPAM' } }, () => undefined, 'UNAUTHENTICATED'],
  ['markActivityRead, signed out', M.markRead, {}, () => undefined, 'UNAUTHENTICATED'],
  // Someone else's object.
  ["deleteComment of someone else's comment on someone else's post", M.deleteComment, { id: '$comment' }, () => dave, 'FORBIDDEN'],
  // Across a block, both directions (alice blocked carol; dave blocked alice).
  ['follow the blocker', M.follow, { id: '$alice' }, () => carol, 'FORBIDDEN'],
  ['follow someone you blocked', M.follow, { id: '$carol' }, () => alice, 'FORBIDDEN'],
  ['follow someone who blocked you', M.follow, { id: '$dave' }, () => alice, 'FORBIDDEN'],
  ['likePost of the blocker', M.like, { id: '$post' }, () => carol, 'FORBIDDEN'],
  ['likePost of someone you blocked', M.like, { id: '$post' }, () => dave, 'FORBIDDEN'],
  ['unlikePost across a block', M.unlike, { id: '$post' }, () => carol, 'FORBIDDEN'],
  ['addComment across a block', M.comment, { id: '$post', text: 'hello' }, () => carol, 'FORBIDDEN'],
  ['addComment across a block (other way)', M.comment, { id: '$post', text: 'hello' }, () => dave, 'FORBIDDEN'],
  // Malformed input and unknown ids.
  ['follow yourself', M.follow, { id: '$bob' }, () => bob, 'BAD_USER_INPUT'],
  ['follow a malformed id', M.follow, { id: 'nope' }, () => bob, 'BAD_USER_INPUT'],
  ['follow an unknown user', M.follow, { id: randomUUID() }, () => bob, 'NOT_FOUND'],
  ['block yourself', M.block, { id: '$bob' }, () => bob, 'BAD_USER_INPUT'],
  ['block an unknown user', M.block, { id: randomUUID() }, () => bob, 'NOT_FOUND'],
  ['unblock a malformed id', M.unblock, { id: '1' }, () => bob, 'BAD_USER_INPUT'],
  ['likePost, malformed id', M.like, { id: 'x' }, () => bob, 'BAD_USER_INPUT'],
  ['addComment, empty after trimming', M.comment, { id: '$post', text: '   ' }, () => bob, 'BAD_USER_INPUT'],
  ['addComment, 501 characters', M.comment, { id: '$post', text: 'x'.repeat(501) }, () => bob, 'BAD_USER_INPUT'],
  ['deleteComment, unknown', M.deleteComment, { id: randomUUID() }, () => bob, 'NOT_FOUND'],
  ['report, malformed subject', M.report, { input: { subject: 'x', reason: 'SPAM' } }, () => bob, 'BAD_USER_INPUT'],
  ['report, note over 500', M.report, { input: { subject: '$post', reason: 'SPAM', note: 'n'.repeat(501) } }, () => bob, 'BAD_USER_INPUT'],
  ['likePost, unknown post', M.like, { id: randomUUID() }, () => bob, 'NOT_FOUND'],
  ['addComment, unknown post', M.comment, { id: randomUUID(), text: 'hi' }, () => bob, 'NOT_FOUND'],
  ['report, unknown subject', M.report, { input: { subject: randomUUID(), reason: 'SPAM' } }, () => bob, 'NOT_FOUND'],
];

function resolve(vars: Record<string, unknown>): Record<string, unknown> {
  const ref: Record<string, () => string> = {
    $alice: () => alice.id, $bob: () => bob.id, $carol: () => carol.id, $dave: () => dave.id, $post: () => postId, $comment: () => commentId,
  };
  return JSON.parse(JSON.stringify(vars), (_k, v) => (typeof v === 'string' && ref[v] ? ref[v]!() : v)) as Record<string, unknown>;
}

describe('social mutations: refused calls change nothing', () => {
  it.each(cases)('%s', async (_name, query, vars, who, code) => {
    const before = await snapshot();
    const res = await stack.gql(query, resolve(vars), who()?.token);
    expectCode(res, code);
    if (code === 'BAD_USER_INPUT' && res.errors?.[0]?.extensions?.field !== undefined) expect(res.errors[0].extensions.field).toBeTruthy();
    expect(await snapshot()).toBe(before);
  });
});

describe('what is allowed', () => {
  it('the post author deletes a comment on their post; the comment author deletes their own', async () => {
    const mine = ok(await stack.gql<{ addComment: { id: string } }>(M.comment, { id: postId, text: 'mine' }, bob!.token)).addComment.id;
    expect(ok(await stack.gql<{ deleteComment: boolean }>(M.deleteComment, { id: mine }, bob!.token)).deleteComment).toBe(true);
    expect(ok(await stack.gql<{ deleteComment: boolean }>(M.deleteComment, { id: commentId }, alice!.token)).deleteComment).toBe(true);
    expect(await stack.socialDb.comment.count({ where: { id: { in: [mine, commentId] } } })).toBe(0);
    expect(await stack.socialDb.activity.count({ where: { commentId: { in: [mine, commentId] } } })).toBe(0);
  });

  it('unblockUser removes only your own block', async () => {
    ok(await stack.gql(M.unblock, { id: dave!.id }, alice!.token));
    expect(await stack.socialDb.block.count({ where: { blockerId: dave!.id, blockedId: alice!.id } })).toBe(1);
  });

  it('a comment of 500 characters is 500 code points (emoji count once), 501 is refused', async () => {
    const text = '😀'.repeat(500);
    const made = ok(await stack.gql<{ addComment: { id: string; text: string } }>(`mutation ($id: ID!, $text: String!) { addComment(postId: $id, text: $text) { id text } }`,
      { id: postId, text }, bob!.token)).addComment;
    expect(made.text).toBe(text);
    expectCode(await stack.gql(M.comment, { id: postId, text: `${text}😀` }, bob!.token), 'BAD_USER_INPUT');
    ok(await stack.gql(M.deleteComment, { id: made.id }, bob!.token));
  });

  it('idempotent calls succeed and change nothing', async () => {
    ok(await stack.gql(M.unlike, { id: postId }, bob!.token));
    ok(await stack.gql(M.unfollow, { id: alice!.id }, bob!.token));
    const before = await snapshot();
    ok(await stack.gql(M.unlike, { id: postId }, bob!.token));
    ok(await stack.gql(M.unfollow, { id: alice!.id }, bob!.token));
    ok(await stack.gql(M.block, { id: carol!.id }, alice!.token));
    expect(await snapshot()).toBe(before);
  });

  it('reports: one open report per subject and reporter; the list is staff only', async () => {
    const input = { subject: postId, reason: 'SPAM', note: 'ads' };
    expect(ok(await stack.gql<{ report: boolean }>(M.report, { input }, bob!.token)).report).toBe(true);
    expect(ok(await stack.gql<{ report: boolean }>(M.report, { input }, bob!.token)).report).toBe(true);
    expect(await stack.socialDb.report.count({ where: { subject: postId, reporterId: bob!.id } })).toBe(1);
    const REPORTS = `{ reports(first: 10) { edges { node { subject reason note status reporter { id } } } } }`;
    expectCode(await stack.gql(REPORTS, {}, bob!.token), 'FORBIDDEN');
    expectCode(await stack.gql(REPORTS, {}), 'UNAUTHENTICATED');
    const staff = await makeStaff(stack, dave!);
    const list = ok(await stack.gql<{ reports: { edges: Array<{ node: { subject: string; reporter: { id: string } } }> } }>(REPORTS, {}, staff.token));
    // Other test files report too (one database per run): look at this file's post only.
    expect(list.reports.edges.filter((e) => e.node.subject === postId).map((e) => [e.node.subject, e.node.reporter.id])).toEqual([[postId, bob!.id]]);
  });

  it('a reporter who deletes their account takes their reports along; the staff queue never goes null', async () => {
    const [leaver] = await people(stack, 1, 'leaver');
    ok(await stack.gql(M.report, { input: { subject: postId, reason: 'ABUSE' } }, leaver!.token));
    const staff = await makeStaff(stack, dave!);
    const REPORTS = `{ reports(first: 50) { edges { node { subject reporter { id } } } } }`;
    ok(await stack.gql(`mutation { deleteAccount(password: "${PASSWORD}") }`, {}, leaver!.token));
    // Right after: the queue loads (the reporter may still be listed, as null with a reason).
    const right = await stack.gql<{ reports: { edges: unknown[] } | null }>(REPORTS, {}, staff.token);
    expect(right.data?.reports).not.toBeNull();
    const gone = await eventually(async () => (await stack.socialDb.report.count({ where: { reporterId: leaver!.id } })) === 0);
    expect(gone).toBe(true);
    const after = ok(await stack.gql<{ reports: { edges: Array<{ node: { reporter: { id: string } | null } }> } }>(REPORTS, {}, staff.token));
    expect(after.reports.edges.map((e) => e.node.reporter?.id)).not.toContain(leaver!.id);
  });
});
