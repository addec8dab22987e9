// Pure logic: a size just over the limit must not read "15.0 MB; the limit is 15.0 MB".
// requestUpload refuses declared sizes before any I/O, so its collaborators are never reached.
import { expect, it } from 'vitest';
import { sizeOverLimit } from '../src/limits.ts';
import { MediaService } from '../src/media-service.ts';

const LIMIT = 15 * 1024 * 1024;
const unused = undefined as never;

it('says bytes when the rounded sizes would look equal', async () => {
  const media = new MediaService(unused, unused, unused, unused, {
    maxPartBytes: () => LIMIT, uploadUrlTtlSeconds: 600, uploadLifetimeSeconds: 3600, requirePartSizes: true,
  });
  const refused = media.requestUpload('00000000-0000-4000-8000-000000000001', {
    kind: 'FRAMES', count: 3, contentType: 'image/jpeg', partSizes: [10, 10, LIMIT + 1],
  });
  await expect(refused).rejects.toMatchObject({
    message: 'Part 2 is 15,728,641 bytes; the limit is 15,728,640 bytes.',
    extensions: { code: 'PAYLOAD_TOO_LARGE', field: 'partSizes' },
  });
});

it('keeps megabytes when they differ', () => {
  expect(sizeOverLimit(20 * 1024 * 1024, LIMIT)).toBe('is 20.0 MB; the limit is 15.0 MB');
});
