/**
 * The one module that talks to S3 (AWS S3, MinIO, or the embedded server in local-s3.ts).
 * Everything else in the media subgraph goes through ObjectStorage, so the SDK's quirks are
 * handled once, here.
 */
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface StorageConfig {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  publicBaseUrl?: string;
  /**
   * The endpoint clients reach S3 at, when it differs from ours (compose: services talk to
   * http://minio:9000, phones to http://localhost:9000). Presigned URLs are signed for it.
   */
  publicEndpoint?: string;
  /** The clock presigned GETs are signed by (tests move it); Date.now by default. */
  now?: () => number;
}

export interface PresignedPart {
  url: string;
  method: 'PUT';
  headers: Array<{ name: string; value: string }>;
}

export interface ObjectStorage {
  bucket: string;
  /**
   * Presigned PUT bound to the content type (signed header) and an expiry in seconds; with
   * `contentLength`, bound to exactly that many bytes too (signed Content-Length: S3 itself
   * refuses any other size, so nothing bigger is ever stored).
   */
  presignPut(key: string, contentType: string, expiresInSeconds: number, contentLength?: number): Promise<PresignedPart>;
  head(key: string): Promise<{ size: number; contentType?: string } | null>;
  /** Reads a whole object, refusing (typed error) if it is larger than maxBytes — checked before download via HEAD/ContentLength. */
  get(key: string, maxBytes: number): Promise<Buffer>;
  put(key: string, body: Buffer, contentType: string, cacheControl?: string): Promise<void>;
  list(prefix: string): Promise<Array<{ key: string; size: number }>>;
  deletePrefix(prefix: string): Promise<void>;
  /** A URL clients can fetch: publicBaseUrl + key when configured, else a presigned GET. */
  urlFor(key: string, expiresInSeconds?: number): Promise<string>;
  /** Creates the bucket if missing and sets CORS so browsers may PUT to presigned URLs and GET. */
  ensureBucket(corsOrigins: string[]): Promise<void>;
  destroy(): void;
}

export class ObjectTooLargeError extends Error {
  constructor(readonly key: string, readonly size: number, readonly maxBytes: number) {
    super(`object ${key} is ${size} bytes, more than the ${maxBytes} allowed`);
    this.name = 'ObjectTooLargeError';
  }
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object ${key} does not exist`);
    this.name = 'ObjectNotFoundError';
  }
}

/** SigV4 presigned URLs cannot live longer than a week. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const DEFAULT_URL_SECONDS = 3600;
/**
 * Presigned GETs of the default lifetime are signed as of the start of the current window, so
 * one object has one URL for the whole window: clients, CDNs and browsers cache the media by
 * URL, and a feed no longer signs the same 60 URLs for every viewer. A URL handed out is valid
 * for at least DEFAULT_URL_SECONDS - URL_WINDOW_SECONDS and never longer than DEFAULT_URL_SECONDS
 * from now, which the account sweeper's grace relies on.
 */
const URL_WINDOW_SECONDS = 900;
/** Bounds the per-process URL memo (about 300 bytes an entry); past it the memo starts over. */
const URL_MEMO_ENTRIES = 50_000;

function statusOf(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

function checkExpiry(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_PRESIGN_SECONDS) {
    throw new RangeError(`expiry must be an integer from 1 to ${MAX_PRESIGN_SECONDS} seconds`);
  }
}

/** Keys are path-like; encode each segment but keep the slashes. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function createS3Storage(config: StorageConfig): ObjectStorage {
  const { bucket } = config;
  const client = createClient(config, config.endpoint);
  const signer = config.publicEndpoint ? createClient(config, config.publicEndpoint) : client;

  async function head(key: string): Promise<{ size: number; contentType?: string } | null> {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async function list(prefix: string): Promise<Array<{ key: string; size: number }>> {
    const objects: Array<{ key: string; size: number }> = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) objects.push({ key: o.Key, size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  const now = config.now ?? Date.now;
  let memoWindow = -1;
  const memo = new Map<string, Promise<string>>();
  function windowedUrl(key: string): Promise<string> {
    const window = Math.floor(now() / 1000 / URL_WINDOW_SECONDS) * URL_WINDOW_SECONDS;
    if (window !== memoWindow || memo.size >= URL_MEMO_ENTRIES) {
      memo.clear();
      memoWindow = window;
    }
    let url = memo.get(key);
    if (!url) {
      url = getSignedUrl(signer, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: DEFAULT_URL_SECONDS,
        signingDate: new Date(window * 1000),
      });
      memo.set(key, url);
      // A failed signing (credentials not loadable yet) is not remembered.
      url.catch(() => memo.get(key) === url && memo.delete(key));
    }
    return url;
  }

  return {
    bucket,

    async presignPut(key, contentType, expiresInSeconds, contentLength) {
      checkExpiry(expiresInSeconds);
      if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength > 0)) {
        throw new RangeError('contentLength must be a positive integer');
      }
      const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: contentLength });
      const url = await getSignedUrl(signer, command, {
        expiresIn: expiresInSeconds,
        // The presigner leaves Content-Type (and Content-Length) unsigned by default, so any
        // type or size would be accepted.
        signableHeaders: new Set(contentLength === undefined ? ['content-type'] : ['content-type', 'content-length']),
      });
      const headers = [{ name: 'Content-Type', value: contentType }];
      // Browsers set Content-Length from the body themselves (and ignore it here); it is listed
      // so every client knows the one size the URL takes.
      if (contentLength !== undefined) headers.push({ name: 'Content-Length', value: String(contentLength) });
      return { url, method: 'PUT', headers };
    },

    head,

    async get(key, maxBytes) {
      const meta = await head(key);
      if (!meta) throw new ObjectNotFoundError(key);
      if (meta.size > maxBytes) throw new ObjectTooLargeError(key, meta.size, maxBytes);
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const body = out.Body;
      if (!body) throw new ObjectNotFoundError(key);
      // The object may have been replaced since HEAD: count again while reading.
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        total += chunk.byteLength;
        if (total > maxBytes) {
          (body as { destroy?: () => void }).destroy?.();
          throw new ObjectTooLargeError(key, total, maxBytes);
        }
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks, total);
    },

    async put(key, body, contentType, cacheControl) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          CacheControl: cacheControl,
        }),
      );
    },

    list,

    async deletePrefix(prefix) {
      const keys = (await list(prefix)).map((o) => o.key);
      // DeleteObjects takes at most 1000 keys per call.
      for (let i = 0; i < keys.length; i += 1000) {
        const out = await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
          }),
        );
        const failed = out.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new Error(`could not delete ${failed.length} objects under ${prefix}: ${first?.Key} ${first?.Code}`);
        }
      }
    },

    async urlFor(key, expiresInSeconds = DEFAULT_URL_SECONDS) {
      if (config.publicBaseUrl) return `${config.publicBaseUrl.replace(/\/+$/, '')}/${encodeKey(key)}`;
      checkExpiry(expiresInSeconds);
      if (expiresInSeconds !== DEFAULT_URL_SECONDS) {
        return getSignedUrl(signer, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds });
      }
      return windowedUrl(key);
    },

    async ensureBucket(corsOrigins) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
        try {
          await client.send(
            new CreateBucketCommand({
              Bucket: bucket,
              // us-east-1 is the one region AWS refuses as an explicit LocationConstraint.
              CreateBucketConfiguration:
                config.region === 'us-east-1'
                  ? undefined
                  : { LocationConstraint: config.region as BucketLocationConstraint },
            }),
          );
        } catch (createErr) {
          // Another replica may have created it between our HEAD and CREATE.
          if (!(createErr instanceof S3ServiceException && createErr.name === 'BucketAlreadyOwnedByYou')) {
            throw createErr;
          }
        }
      }
      // Blank entries come from unset/trailing-comma origin lists; S3 rejects an empty origin.
      const origins = corsOrigins.map((o) => o.trim()).filter((o) => o !== '');
      if (origins.length === 0) return;
      try {
        await client.send(
          new PutBucketCorsCommand({
            Bucket: bucket,
            CORSConfiguration: {
              CORSRules: [
                {
                  AllowedOrigins: origins,
                  AllowedMethods: ['GET', 'HEAD', 'PUT'],
                  AllowedHeaders: ['*'],
                  ExposeHeaders: ['ETag'],
                  MaxAgeSeconds: 3600,
                },
              ],
            },
          }),
        );
      } catch (err) {
        // MinIO's community edition has no per-bucket CORS (NotImplemented); it answers CORS
        // globally instead (MINIO_API_CORS_ALLOW_ORIGIN), so there is nothing to set here.
        if (!(err instanceof S3ServiceException && err.name === 'NotImplemented')) throw err;
      }
    },

    destroy() {
      client.destroy();
    },
  };
}

function createClient(config: StorageConfig, endpoint: string | undefined): S3Client {
  const client = new S3Client({
    region: config.region,
    endpoint,

    forcePathStyle: config.forcePathStyle,
    // Without explicit keys the SDK's default chain applies (IAM role, web identity, profile).
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
    // The default (WHEN_SUPPORTED) bakes the CRC32 of the presign-time *empty* body into presigned
    // PUT URLs (x-amz-checksum-crc32=AAAAAA==), which S3 then checks the real upload against.
    // WHEN_REQUIRED limits checksums to operations that demand one (DeleteObjects, PutBucketCors).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  if (config.forcePathStyle) {
    // SDK v3 sends path-style bucket-level requests (list, delete many, CORS) to "/bucket/";
    // s3rver canonicalises them as "/bucket" and refuses the signature. "/bucket" is the URI in
    // S3's own API model (what SDK v2 sent), which AWS and MinIO serve too, so send that form.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { path?: unknown };
        if (typeof request.path === 'string' && /^\/[^/]+\/$/.test(request.path)) {
          request.path = request.path.slice(0, -1);
        }
        return next(args);
      },
      { step: 'build', name: 'bucketPathWithoutTrailingSlash' },
    );
  }
  return client;
}
