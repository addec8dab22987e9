// `npm install` alone must give a working encoder: with no FFMPEG_PATH and no ffmpeg on PATH,
// the binaries shipped inside the npm packages encode a real loop. (CI also installs Debian's
// ffmpeg, which the other tests then use, as the Docker images do.)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('encoder fallback', () => {
  it('encodes with the npm-shipped ffmpeg and ffprobe when the system has none', async () => {
    // An empty PATH: node is started by its absolute path, and no ffmpeg can be found.
    const emptyPath = mkdtempSync(join(tmpdir(), 'fffoto-nopath-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: emptyPath };
    delete env.FFMPEG_PATH;
    delete env.FFPROBE_PATH;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'subgraphs/media/test/support/encode-with-defaults.ts'],
      { env, cwd: new URL('../../../', import.meta.url).pathname },
    ).finally(() => rmSync(emptyPath, { recursive: true, force: true }));
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toEqual({ ffmpeg: 'installer', ffprobe: 'installer', codec: 'h264', frames: 4 });
  });
});
