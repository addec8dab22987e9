// `npm run deploy:render`: writes every overlay of deploy/overlays/ to deploy/rendered/<overlay>/
// (checked in, drift-checked). `npm run deploy:render -- --stdout <overlay>` prints one instead.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { overlays } from '../deploy/overlays/index.ts';
import { renderOverlay } from '../deploy/render.ts';
import { repoRoot } from './subgraphs.ts';

const args = process.argv.slice(2);
if (args[0] === '--stdout') {
  const name = args[1];
  if (!name || !overlays[name]) {
    process.stderr.write(`deploy:render: --stdout needs an overlay: ${Object.keys(overlays).join(', ')}\n`);
    process.exit(1);
  }
  const files = renderOverlay(name);
  // One stream kubectl can read: `npm run -s deploy:render -- --stdout managed | kubectl apply -f -`.
  files.delete('kustomization.yaml');
  process.stdout.write([...files.values()].join('---\n'));
} else {
  const out = path.join(repoRoot, 'deploy', 'rendered');
  rmSync(out, { recursive: true, force: true }); // no stale files of a removed workload
  for (const name of Object.keys(overlays)) {
    const dir = path.join(out, name);
    mkdirSync(dir, { recursive: true });
    const files = renderOverlay(name);
    for (const [file, text] of files) writeFileSync(path.join(dir, file), text);
    console.log(`deploy/rendered/${name}: ${files.size} files`);
  }
}
