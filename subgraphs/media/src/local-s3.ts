/**
 * The embedded S3 stand-in: `@20minutes/s3rver` (a SigV4-checking fork of s3rver) run in
 * process, so `npm start` and the tests need no MinIO.
 *
 * s3rver verifies a signature only when the request carries one; a request with no signature
 * at all is served as an anonymous request with full access (even in 5.0.0). Real S3 denies
 * anonymous access to a private bucket, so requests go through a guard here that refuses
 * unsigned ones (403 AccessDenied) before s3rver sees them. CORS preflights stay unsigned,
 * as browsers send them.
 *
 * s3rver also serves x-amz-* headers a signature does not cover (an `x-amz-acl: public-read`
 * added to a presigned PUT), which real S3 refuses: every x-amz-* header must be signed. The
 * guard refuses those too. A signed Content-Length (presignPut with a size) s3rver does check.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

export interface LocalS3Options {
  /** 0 (the default) picks a free port. */
  port?: number;
  directory: string;
  bucket: string;
}

export interface LocalS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  stop(): Promise<void>;
}

/** The part of s3rver's (untyped, CommonJS) API used here. */
interface S3rverApp {
  configureBuckets(): Promise<unknown>;
  callback(): RequestListener;
  logger: { close(): void; exceptions: { unhandle(): void } };
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverApp;

const require = createRequire(import.meta.url);

// s3rver registers exactly one key pair (its DUMMY_ACCOUNT), hard-coded in lib/models/account.js.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
// s3rver signs with whatever region the client's credential scope names; any value works.
const REGION = 'us-east-1';

// A permissive starting rule, so browsers can upload before ensureBucket() narrows the origins.
const DEFAULT_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

const ACCESS_DENIED = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Anonymous access is not allowed</Message></Error>`;

const UNSIGNED_HEADER = (name: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>There were headers present in the request which were not signed</Message><HeadersNotSigned>${name}</HeadersNotSigned></Error>`;

/** SigV4's own headers: they carry the signature rather than being covered by it. */
const SIGV4_HEADERS = new Set(['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']);

/** True when the request carries one of the S3 authentication mechanisms s3rver verifies. */
function isSigned(req: IncomingMessage): boolean {
  if (req.headers.authorization !== undefined) return true;
  const query = new URL(req.url ?? '/', 'http://local').searchParams;
  return query.has('X-Amz-Algorithm') || query.has('Signature');
}

/** The first x-amz-* header that the request's SigV4 signature does not cover, if any. */
function unsignedAmzHeader(req: IncomingMessage): string | undefined {
  const fromQuery = new URL(req.url ?? '/', 'http://local').searchParams.get('X-Amz-SignedHeaders');
  const fromAuth = /SignedHeaders=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1];
  const list = fromQuery ?? fromAuth;
  if (list === undefined) return undefined; // SigV2 signs every x-amz-* header it is sent
  const signed = new Set(list.toLowerCase().split(';'));
  return Object.keys(req.headers).find((h) => h.startsWith('x-amz-') && !signed.has(h) && !SIGV4_HEADERS.has(h));
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  await mkdir(options.directory, { recursive: true });
  const S3rver = require('@20minutes/s3rver') as S3rverCtor;
  const app = new S3rver({
    directory: options.directory,
    silent: true,
    // Path-style only: virtual-host guessing would misroute requests made to a machine's hostname.
    vhostBuckets: false,
    allowMismatchedSignatures: false,
    configureBuckets: [{ name: options.bucket, configs: [DEFAULT_CORS] }],
  });
  // run() would do this and listen unguarded; we listen ourselves to put the guard in front.
  await app.configureBuckets();
  const handle = app.callback();

  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') return handle(req, res);
    if (!isSigned(req)) return void res.writeHead(403, { 'Content-Type': 'application/xml' }).end(ACCESS_DENIED);
    const unsigned = unsignedAmzHeader(req);
    if (unsigned) return void res.writeHead(403, { 'Content-Type': 'application/xml' }).end(UNSIGNED_HEADER(unsigned));
    handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
    region: REGION,
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from SDK clients would otherwise hold close() open.
        server.closeAllConnections();
      }).finally(() => {
        app.logger.exceptions.unhandle();
        app.logger.close();
      });
      return stopped;
    },
  };
}
