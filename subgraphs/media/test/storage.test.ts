/**
 * ObjectStorage against the embedded SigV4-checking S3 server, with uploads made the way
 * clients make them: plain fetch PUTs to presigned URLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createS3Storage,
  ObjectNotFoundError,
  ObjectTooLargeError,
  type ObjectStorage,
  type StorageConfig,
} from '../src/storage.ts';
import { startRecordingProxy, startTestS3, type TestS3 } from './support/s3.ts';

let s3: TestS3;
let storage: ObjectStorage;

function configFor(server: TestS3, overrides: Partial<StorageConfig> = {}): StorageConfig {
  return {
    endpoint: server.endpoint,
    region: server.region,
    bucket: server.bucket,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
    ...overrides,
  };
}

// A plain Uint8Array (not a Buffer or string) so fetch adds no Content-Type of its own.
const JPEG = Uint8Array.from(Buffer.from('\xff\xd8\xff\xe0 not really a jpeg', 'latin1'));

function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'PUT', body, headers });
}

beforeAll(async () => {
  s3 = await startTestS3();
  storage = createS3Storage(configFor(s3));
});

afterAll(async () => {
  storage?.destroy();
  await s3?.cleanup();
});

describe('presigned PUT', () => {
  it('signs Content-Type, adds no checksum parameters, and returns the headers to send', async () => {
    const part = await storage.presignPut('uploads/u1/0.jpg', 'image/jpeg', 60);
    const query = new URL(part.url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    const params = [...query.keys()].map((k) => k.toLowerCase());
    expect(params.filter((k) => k.includes('checksum'))).toEqual([]);
    expect(part.method).toBe('PUT');
    expect(part.headers).toEqual([{ name: 'Content-Type', value: 'image/jpeg' }]);
  });

  it('accepts a PUT that follows the presigned part, and head reports it', async () => {
    const part = await storage.presignPut('uploads/u1/1.jpg', 'image/jpeg', 60);
    const headers = Object.fromEntries(part.headers.map((h) => [h.name, h.value]));
    const res = await put(part.url, JPEG, headers);
    expect(res.status).toBe(200);
    expect(await storage.head('uploads/u1/1.jpg')).toEqual({ size: JPEG.byteLength, contentType: 'image/jpeg' });
  });

  it('refuses a tampered signature', async () => {
    const { url } = await storage.presignPut('uploads/u1/2.jpg', 'image/jpeg', 60);
    const u = new URL(url);
    const sig = u.searchParams.get('X-Amz-Signature')!;
    u.searchParams.set('X-Amz-Signature', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
    const res = await put(u.toString(), JPEG, { 'Content-Type': 'image/jpeg' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('SignatureDoesNotMatch');
    expect(await storage.head('uploads/u1/2.jpg')).toBeNull();
  });

  it('refuses an expired URL', async () => {
    const { url } = await storage.presignPut('uploads/u1/3.jpg', 'image/jpeg', 1);
    await new Promise((r) => setTimeout(r, 2100));
    const res = await put(url, JPEG, { 'Content-Type': 'image/jpeg' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Request has expired');
  });

  it('refuses a Content-Type other than the signed one', async () => {
    const { url } = await storage.presignPut('uploads/u1/4.jpg', 'image/jpeg', 60);
    const res = await put(url, JPEG, { 'Content-Type': 'text/html' });
    expect(res.status).toBe(403);
    expect(await storage.head('uploads/u1/4.jpg')).toBeNull();
  });

  it('refuses a PUT without Content-Type', async () => {
    const { url } = await storage.presignPut('uploads/u1/5.jpg', 'image/jpeg', 60);
    const res = await put(url, JPEG, {});
    expect(res.status).toBe(403);
    expect(await storage.head('uploads/u1/5.jpg')).toBeNull();
  });

  it('refuses a key other than the signed one', async () => {
    const { url } = await storage.presignPut('uploads/u1/6.jpg', 'image/jpeg', 60);
    const u = new URL(url);
    u.pathname = u.pathname.replace('/u1/6.jpg', '/u2/6.jpg');
    const res = await put(u.toString(), JPEG, { 'Content-Type': 'image/jpeg' });
    expect(res.status).toBe(403);
    expect(await storage.head('uploads/u2/6.jpg')).toBeNull();
  });

  it('with a size, signs Content-Length: S3 refuses any other size and stores nothing', async () => {
    const part = await storage.presignPut('uploads/u1/7.jpg', 'image/jpeg', 60, JPEG.byteLength);
    expect(new URL(part.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(part.headers).toContainEqual({ name: 'Content-Length', value: String(JPEG.byteLength) });
    const bigger = new Uint8Array(JPEG.byteLength + 1);
    expect((await put(part.url, bigger, { 'Content-Type': 'image/jpeg' })).status).toBe(403);
    expect(await storage.head('uploads/u1/7.jpg')).toBeNull();
    expect((await put(part.url, JPEG, { 'Content-Type': 'image/jpeg' })).status).toBe(200);
    expect(await storage.head('uploads/u1/7.jpg')).toEqual({ size: JPEG.byteLength, contentType: 'image/jpeg' });
  });

  it('refuses an x-amz-* header the signature does not cover (x-amz-acl: public-read)', async () => {
    const part = await storage.presignPut('uploads/u1/8.jpg', 'image/jpeg', 60);
    const res = await put(part.url, JPEG, { 'Content-Type': 'image/jpeg', 'x-amz-acl': 'public-read' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('x-amz-acl');
    expect(await storage.head('uploads/u1/8.jpg')).toBeNull();
    // The SDK's own (header-signed) requests keep working through the same check.
    await storage.put('uploads/u1/8.jpg', Buffer.from(JPEG), 'image/jpeg');
    expect(await storage.head('uploads/u1/8.jpg')).not.toBeNull();
  });

  it('refuses unsigned requests (the local server would otherwise treat them as anonymous)', async () => {
    const target = `${s3.endpoint}/${s3.bucket}/uploads/anon.jpg`;
    expect((await put(target, JPEG, { 'Content-Type': 'image/jpeg' })).status).toBe(403);
    expect((await fetch(`${s3.endpoint}/${s3.bucket}/uploads/u1/1.jpg`)).status).toBe(403);
    expect(await storage.head('uploads/anon.jpg')).toBeNull();
  });
});

describe('objects', () => {
  it('get returns the bytes within the limit and throws typed errors otherwise', async () => {
    await storage.put('frames/a.bin', Buffer.alloc(1000, 7), 'application/octet-stream');
    expect(await storage.get('frames/a.bin', 1000)).toEqual(Buffer.alloc(1000, 7));
    await expect(storage.get('frames/missing.bin', 1000)).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await storage.head('frames/missing.bin')).toBeNull();
  });

  it('get refuses an object larger than maxBytes without downloading it', async () => {
    const proxy = await startRecordingProxy(s3.endpoint);
    const viaProxy = createS3Storage(configFor(s3, { endpoint: proxy.endpoint }));
    try {
      await viaProxy.put('frames/big.bin', Buffer.alloc(5000), 'application/octet-stream');
      proxy.requests.length = 0;
      const err = await viaProxy.get('frames/big.bin', 4999).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ObjectTooLargeError);
      expect(err).toMatchObject({ key: 'frames/big.bin', size: 5000, maxBytes: 4999 });
      expect(proxy.requests.map((r) => r.split(' ')[0])).toEqual(['HEAD']);
    } finally {
      viaProxy.destroy();
      await proxy.stop();
    }
  });

  it('lists and deletes by prefix, leaving other prefixes alone', async () => {
    await storage.put('loops/l1/a.webp', Buffer.alloc(3), 'image/webp');
    await storage.put('loops/l1/b.mp4', Buffer.alloc(4), 'video/mp4');
    await storage.put('loops/l10/c.gif', Buffer.alloc(5), 'image/gif');
    expect(await storage.list('loops/l1/')).toEqual([
      { key: 'loops/l1/a.webp', size: 3 },
      { key: 'loops/l1/b.mp4', size: 4 },
    ]);
    await storage.deletePrefix('loops/l1/');
    expect(await storage.list('loops/l1/')).toEqual([]);
    expect(await storage.list('loops/l10/')).toEqual([{ key: 'loops/l10/c.gif', size: 5 }]);
    await storage.deletePrefix('loops/nothing-here/');
  });

  it('urlFor gives a fetchable presigned GET serving the bytes and stored headers', async () => {
    const body = Buffer.from('GIF89a pretend');
    await storage.put('loops/l2/loop.gif', body, 'image/gif', 'public, max-age=31536000, immutable');
    const res = await fetch(await storage.urlFor('loops/l2/loop.gif', 60));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(body);
  });

  it('urlFor gives one URL per object per 15-minute window, valid 45 to 60 minutes from now', async () => {
    let clock = Date.UTC(2026, 0, 1, 12, 14, 0); // 14 minutes into a window
    const windowed = createS3Storage(configFor(s3, { now: () => clock }));
    const first = await windowed.urlFor('loops/l2/loop.gif');
    expect(await windowed.urlFor('loops/l2/loop.gif')).toBe(first);
    expect(await windowed.urlFor('loops/l2/other.gif')).not.toBe(first);
    const params = new URL(first).searchParams;
    expect(params.get('X-Amz-Date')).toBe('20260101T120000Z');
    expect(params.get('X-Amz-Expires')).toBe('3600');
    clock += 60_000; // the next window signs again
    const next = await windowed.urlFor('loops/l2/loop.gif');
    expect(next).not.toBe(first);
    expect(new URL(next).searchParams.get('X-Amz-Date')).toBe('20260101T121500Z');
    // A custom lifetime is signed now, never memoised.
    expect(new URL(await windowed.urlFor('loops/l2/loop.gif', 60)).searchParams.get('X-Amz-Expires')).toBe('60');
    windowed.destroy();
  });

  it('a windowed URL from the current window fetches the object', async () => {
    const res = await fetch(await storage.urlFor('loops/l2/loop.gif'));
    expect(res.status).toBe(200);
  });

  it('urlFor uses publicBaseUrl when configured', async () => {
    const cdn = createS3Storage(configFor(s3, { publicBaseUrl: 'https://cdn.example/media/' }));
    expect(await cdn.urlFor('loops/l 3/loop.mp4')).toBe('https://cdn.example/media/loops/l%203/loop.mp4');
    cdn.destroy();
  });
});

describe('bucket and CORS', () => {
  const origin = 'https://app.fffoto.example';

  function preflight(key: string, from: string): Promise<Response> {
    return fetch(`${s3.endpoint}/${s3.bucket}/${key}`, {
      method: 'OPTIONS',
      headers: { Origin: from, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' },
    });
  }

  it('ensureBucket sets CORS that lets the app origin PUT to presigned URLs', async () => {
    await storage.ensureBucket([origin]);
    const ok = await preflight('uploads/u9/0.jpg', origin);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(ok.headers.get('access-control-allow-origin')).toBeTruthy();
    expect((await preflight('uploads/u9/0.jpg', 'https://evil.example')).status).toBe(403);

    const part = await storage.presignPut('uploads/u9/0.jpg', 'image/jpeg', 60);
    const res = await put(part.url, JPEG, { 'Content-Type': 'image/jpeg', Origin: origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('ensureBucket creates a missing bucket and is idempotent', async () => {
    const fresh = createS3Storage(configFor(s3, { bucket: 'fresh-bucket' }));
    try {
      await fresh.ensureBucket(['', ' ']);
      await fresh.ensureBucket([origin]);
      await fresh.put('x.txt', Buffer.from('x'), 'text/plain');
      expect(await fresh.head('x.txt')).toEqual({ size: 1, contentType: 'text/plain' });
    } finally {
      fresh.destroy();
    }
  });
});
