// Helpers for media tests: upload through presigned URLs with plain fetch, wait for a loop.
import { expect } from 'vitest';
import { ok, type graphqlClient } from './client.ts';
import { CreateLoopDocument, LoopByIdDocument, RequestUploadDocument, SignUpDocument } from '../generated/graphql.ts';

type Gql = ReturnType<typeof graphqlClient>;

export async function signUpUser(gql: Gql, handle: string) {
  const res = ok(await gql(SignUpDocument, { input: { handle, email: `${handle}@example.com`, password: 'long enough password' } }));
  return { token: res.signUp.accessToken, id: res.signUp.user.id };
}

/** With `partSizes`, each part's URL takes exactly that many bytes (signed Content-Length). */
export async function requestUpload(gql: Gql, token: string, count: number, contentType = 'image/jpeg', kind: 'FRAMES' | 'VIDEO' = 'FRAMES', partSizes?: number[]) {
  return ok(await gql(RequestUploadDocument, { input: { kind, count, contentType, partSizes } }, token)).requestUpload;
}

export type UploadParts = Awaited<ReturnType<typeof requestUpload>>['parts'];

export async function putPart(part: UploadParts[number], body: Buffer, headers?: Record<string, string>) {
  const sent = headers ?? Object.fromEntries(part.headers.map((h) => [h.name, h.value]));
  return fetch(part.url, { method: part.method, headers: sent, body: new Uint8Array(body) });
}

export async function putAll(parts: UploadParts, bodies: Buffer[]) {
  for (const [i, part] of parts.entries()) {
    const res = await putPart(part, bodies[i]!);
    expect(res.status, `PUT part ${i}`).toBe(200);
  }
}

/** Uploads the frames and creates the loop; returns the loop as createLoop answered. */
export async function uploadAndCreate(gql: Gql, token: string, frames: Buffer[], opts: { mode?: 'BOUNCE' | 'FORWARD' | 'REVERSE'; effect?: 'NONE' | 'DAZE' | 'SOLO' | 'DAILY'; fps?: number } = {}) {
  const upload = await requestUpload(gql, token, frames.length, 'image/jpeg', 'FRAMES', frames.map((f) => f.length));
  await putAll(upload.parts, frames);
  const loop = ok(await gql(CreateLoopDocument, { input: { uploadId: upload.id, ...opts } }, token)).createLoop;
  return { upload, loop };
}

export async function waitForLoop(gql: Gql, id: string, done = (s: string) => s === 'READY' || s === 'FAILED', timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const loop = ok(await gql(LoopByIdDocument, { id })).loop;
    if (loop && done(loop.status)) return loop;
    if (Date.now() > deadline) throw new Error(`loop ${id} still ${loop?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status, `GET ${url}`).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}
