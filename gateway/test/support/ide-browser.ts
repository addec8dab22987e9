// Headless Debian Chromium (driven by playwright-core) with every host but 127.0.0.1 unreachable,
// and the few steps a person takes in the GraphQL IDE (GraphiQL 3): for ide.browser.test.ts and
// scripts/ide-screenshot.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's `chromium` package (CI installs it: .ci/run). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * For `describe.skipIf(...)`, as tests/support/needs.ts does for Redis: true (with a line saying
 * why) when Chromium is missing; under CI=true a missing Chromium fails instead.
 */
export function skipWithoutChromium(why: string): boolean {
  if (existsSync(CHROMIUM)) return false;
  const need = `Chromium at ${CHROMIUM} (Debian package \`chromium\`, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${why} needs ${need}, which is missing`);
  console.warn(`skipped: ${why} needs ${need}`);
  return true;
}

export interface OfflineBrowser {
  context: BrowserContext;
  page: Page;
  /** Every request (HTTP or WebSocket) to a host other than 127.0.0.1; each was refused. */
  offHost: string[];
  /** Content-Security-Policy violations the page reported (directive and blocked URL). */
  cspViolations: string[];
  /** Uncaught exceptions and console errors. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Chromium with a fresh profile; other hosts fail twice over: in DNS and in request routing. */
export async function launchOfflineChromium(viewport = { width: 1280, height: 800 }): Promise<OfflineBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'fffoto-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  const offHost: string[] = [];
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const local = (url: string) => /^(data|blob|about):/.test(url) || new URL(url).hostname === '127.0.0.1';
  await context.route('**/*', (route) => (local(route.request().url()) ? route.continue() : route.abort('internetdisconnected')));
  context.on('request', (req) => void (local(req.url()) || offHost.push(req.url())));
  await context.exposeFunction('reportCspViolation', (v: string) => void cspViolations.push(v));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation(v: string): void }).reportCspViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // WebSockets are no `request` (nor routed): DNS alone refuses those, and they are recorded here.
  page.on('websocket', (ws) => void (local(ws.url()) || offHost.push(ws.url())));
  page.on('pageerror', (err) => void pageErrors.push(err.message));
  page.on('console', (msg) => void (msg.type() === 'error' && pageErrors.push(msg.text())));
  return {
    context,
    page,
    offHost,
    cspViolations,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the Docs pane and waits until the schema, loaded by introspection, shows its root types. */
export async function openDocsWhenSchemaLoaded(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  await page.locator('.graphiql-doc-explorer').getByRole('link', { name: 'Query', exact: true }).waitFor();
}

/** Replaces the text of the query editor or the Headers editor, as a paste would. */
export async function fillEditor(page: Page, editor: 'Query Editor' | 'Headers', text: string): Promise<void> {
  if (editor === 'Headers') await page.getByRole('button', { name: 'Headers', exact: true }).click();
  const selector = `section[aria-label="${editor}"] .graphiql-editor:not(.hidden) .CodeMirror`;
  await page.locator(selector).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  if (editor !== 'Query Editor') return;
  // GraphiQL parses the query a moment after an edit and picks HTTP or WebSocket from that
  // parse: running before it would send a new subscription as the previous (HTTP) operation.
  // (No named functions inside: tsx would wrap them in a helper the page does not have.)
  await page.waitForFunction((sel) => {
    type Editor = { getValue(): string; documentAST?: { loc?: { source: { body: string } } } | null };
    const cm = (document.querySelector(sel) as unknown as { CodeMirror: Editor }).CodeMirror;
    return cm.documentAST?.loc?.source.body === cm.getValue();
  }, selector);
}

/** Presses the run button. */
export async function runOperation(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Execute query/ }).click();
}

/** Waits until the result pane shows `expected`, then reads the whole result it holds, parsed. */
export async function waitForResult(page: Page, expected: string, timeoutMs = 15_000): Promise<unknown> {
  const pane = page.locator('section[aria-label="Result Window"]');
  await pane.getByText(expected).first().waitFor({ timeout: timeoutMs });
  // The editor draws only the lines in view: its CodeMirror instance holds all of them.
  const text = await pane.locator('.CodeMirror').evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  return JSON.parse(text);
}
