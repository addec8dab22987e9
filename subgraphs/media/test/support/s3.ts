/** Test helpers around the embedded S3 server: a private temp directory, and a request log. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3, type LocalS3 } from '../../src/local-s3.ts';

export interface TestS3 extends LocalS3 {
  bucket: string;
  directory: string;
  /** Stops the server and removes its directory. */
  cleanup(): Promise<void>;
}

export async function startTestS3(bucket = 'test-bucket'): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'fffoto-s3-'));
  const s3 = await startLocalS3({ port: 0, directory, bucket });
  return {
    ...s3,
    bucket,
    directory,
    async cleanup() {
      await s3.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export interface RecordingProxy {
  endpoint: string;
  /** "METHOD /path?query" of every request forwarded so far. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * Forwards requests verbatim (Host included, so SigV4 signatures stay valid) and records them,
 * letting a test prove which requests a client did or did not make.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const { hostname, port } = new URL(target);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = request(
      { hostname, port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
