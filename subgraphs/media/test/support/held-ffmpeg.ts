// An ffmpeg that never finishes an encode, so a test can hold a job in PROCESSING (or past its
// timeout) however fast the machine is. fluent-ffmpeg's capability queries (-encoders,
// -formats, …: no -i) go to the real binary; any run with an input sleeps until killed.
// Each held run records its pid, so the test can end the ones a killed worker left behind.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The ffmpeg ffmpeg.ts would use, found without calling it (binaries() caches its choice). */
export function realFfmpeg(): string {
  if (process.env.FFMPEG_PATH) return process.env.FFMPEG_PATH;
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
    if (onPath) return onPath;
  } catch { /* not on PATH */ }
  return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

export interface HeldFfmpeg {
  path: string;
  /** SIGKILLs the held runs still alive (by the pids they recorded) and removes the script. */
  cleanup(): void;
}

export function heldFfmpeg(): HeldFfmpeg {
  const dir = mkdtempSync(path.join(tmpdir(), 'fffoto-held-ffmpeg-'));
  const script = path.join(dir, 'ffmpeg');
  writeFileSync(
    script,
    `#!/bin/sh
for a in "$@"; do [ "$a" = "-i" ] && { echo $$ > "${dir}/held-$$.pid"; exec sleep 300; }; done
exec "${realFfmpeg()}" "$@"
`,
  );
  chmodSync(script, 0o755);
  return {
    path: script,
    cleanup() {
      for (const f of readdirSync(dir).filter((n) => n.startsWith('held-'))) {
        const pid = Number(f.slice(5, -4));
        try {
          // Only if that pid is still our sleep (a finished one's pid may belong to another process by now).
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\x00300')) process.kill(pid, 'SIGKILL');
        } catch { /* already gone */ }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
