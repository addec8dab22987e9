// Stock @apollo/gateway (stock-gateway.ts) as a process of its own, so its CPU and memory are
// its own: `node --import tsx bench/support/stock-gateway-main.ts`, configured like our gateway's
// main.ts by SUPERGRAPH_FILE, SUBGRAPH_URLS (`name=url,name=url`), GATEWAY_PORT and HOST
// (default 127.0.0.1). Prints one JSON line `{"msg":"stock gateway ready","url":...}` when it listens.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This file, relative to the repository root (for tests/support/processes.ts's spawnEntry). */
export const STOCK_GATEWAY_MAIN = 'bench/support/stock-gateway-main.ts';

async function main(): Promise<void> {
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`stock gateway: ${name} is not set`);
    return value;
  };
  const urls = Object.fromEntries(
    need('SUBGRAPH_URLS').split(',').filter(Boolean).map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`stock gateway: SUBGRAPH_URLS has a bad entry ${JSON.stringify(pair)}`);
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }),
  );
  const port = Number(need('GATEWAY_PORT'));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('stock gateway: GATEWAY_PORT must be a port number');
  // Loaded here, not at the top: importing STOCK_GATEWAY_MAIN must not load the gateway.
  const { startStockGateway } = await import('./stock-gateway.ts');
  const gateway = await startStockGateway(readFileSync(need('SUPERGRAPH_FILE'), 'utf8'), urls, { port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(JSON.stringify({ level: 30, msg: 'stock gateway ready', url: gateway.url }));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void gateway.stop().finally(() => process.exit(0)));
  }
}

// Only as the process's entry (imported, it just names itself).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
}
