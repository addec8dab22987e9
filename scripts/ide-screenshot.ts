// Writes docs/ide.png: the GraphQL IDE the gateway serves (gateway/src/ide/) with a query and
// its result, taken in headless Chromium with every host but 127.0.0.1 unreachable. Run by hand
// (CI never rewrites the image):
//   npx tsx scripts/ide-screenshot.ts              its own users, posts and social subgraphs and
//                                                  gateway (Postgres at TEST_PG_ADMIN_URL), removed after
//   npx tsx scripts/ide-screenshot.ts <gateway>    a running gateway, e.g. http://localhost:4000/graphql
// Either way the demo users of `npm run seed` (ada, bo.loops, cy_bounce) are signed up, or logged
// into when they exist, and follow one another. CHROMIUM_PATH: another Chromium than Debian's.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runMain } from '@fffoto/shared/config';
import { startStack, type Stack } from '../tests/support/stack.ts';
import { fillEditor, launchOfflineChromium, openDocsWhenSchemaLoaded, runOperation, waitForResult } from '../gateway/test/support/ide-browser.ts';

const OUT = fileURLToPath(new URL('../docs/ide.png', import.meta.url));
const PASSWORD = 'fffoto-demo-password';
const DEMO = [
  { handle: 'ada', displayName: 'Ada' },
  { handle: 'bo.loops', displayName: 'Bo' },
  { handle: 'cy_bounce', displayName: 'Cy' },
];
const QUERY = `query People {
  me {
    handle
  }
  searchUsers(query: "b", first: 3) {
    handle
    displayName
    followerCount
  }
}
`;

async function gql<T>(url: string, query: string, token?: string): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as never;
}

/** Signs up, or logs in when the handle is taken (seeded before). */
async function demoUser(url: string, user: (typeof DEMO)[number]): Promise<{ id: string; token: string }> {
  type Auth = { accessToken: string; user: { id: string } };
  const input = `handle: "${user.handle}", email: "${user.handle}@demo.fffoto.local", password: "${PASSWORD}", displayName: "${user.displayName}"`;
  const signUp = await gql<{ signUp: Auth }>(url, `mutation { signUp(input: { ${input} }) { accessToken user { id } } }`);
  let auth = signUp.data?.signUp;
  if (!auth && signUp.errors?.[0]?.extensions?.code === 'CONFLICT') {
    auth = (await gql<{ logIn: Auth }>(url, `mutation { logIn(input: { login: "${user.handle}", password: "${PASSWORD}" }) { accessToken user { id } } }`)).data?.logIn;
  }
  if (!auth) throw new Error(`demo user ${user.handle}: ${JSON.stringify(signUp.errors)}`);
  return { id: auth.user.id, token: auth.accessToken };
}

await runMain(async () => {
  let stack: Stack | undefined;
  // Chromium reaches 127.0.0.1 only (its host resolver maps every other name to nothing).
  let url = process.argv[2]?.replace('//localhost', '//127.0.0.1');
  if (!url) {
    // The in-process queue and pub/sub of `npm start`, in a database of the stack's own.
    delete process.env.REDIS_URL;
    delete process.env.DATABASE_URL;
    stack = await startStack({ posts: true, social: true, env: { LOG_LEVEL: 'warn' } });
    url = stack.gatewayUrl;
  }
  const browser = await launchOfflineChromium({ width: 1440, height: 810 });
  try {
    const [ada, bo, cy] = await Promise.all(DEMO.map((user) => demoUser(url, user)));
    for (const [fan, idol] of [[ada, bo], [ada, cy], [bo, cy]] as const) {
      await gql(url, `mutation { follow(userId: "${idol!.id}") { id } }`, fan!.token);
    }
    const { page } = browser;
    await page.goto(url);
    await openDocsWhenSchemaLoaded(page);
    await page.locator('.graphiql-doc-explorer').getByRole('link', { name: 'Query', exact: true }).click();
    await fillEditor(page, 'Headers', JSON.stringify({ Authorization: `Bearer ${ada!.token}` }, null, 2));
    await page.keyboard.press('Control+Home'); // the header's start in view, not the token's end
    await fillEditor(page, 'Query Editor', QUERY);
    await runOperation(page);
    await waitForResult(page, 'cy_bounce');
    // Back to the top of the query editor, caret out of sight.
    await page.locator('section[aria-label="Query Editor"] .CodeMirror').click({ position: { x: 5, y: 5 } });
    mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
    await page.screenshot({ path: OUT });
    const { offHost, cspViolations, pageErrors } = browser;
    if (offHost.length || cspViolations.length || pageErrors.length) {
      throw new Error(`the page was not self-contained: ${JSON.stringify({ offHost, cspViolations, pageErrors })}`);
    }
    process.stdout.write(`wrote ${OUT}\n`);
  } finally {
    await browser.close();
    await stack?.stop();
  }
});
