// One typed config per process: each process declares the variables it reads with zod, and a
// missing or malformed one stops the process with a single line that names it.
import { z } from 'zod';

export { z };

export class ConfigError extends Error {}

export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(env);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  const name = String(first.path[0] ?? '?');
  const shown = env[name] === undefined ? 'missing' : `bad value ${JSON.stringify(env[name])}`;
  throw new ConfigError(`config: ${name} is ${shown}: ${first.message}`);
}

/** Runs `main`, turning a ConfigError into one line on stderr and exit code 1. */
export async function runMain(main: () => Promise<unknown>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** Variables every process understands. */
export const baseShape = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

export const databaseShape = { DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }) };

export const redisShape = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  /** Every Redis key and channel starts with this, so test runs and deployments can share a server. */
  REDIS_PREFIX: z.string().default('fffoto:'),
};

/** Who issues access tokens and where their public keys are; an OIDC provider can take over here. */
export const tokenVerifyShape = {
  JWT_ISSUER: z.string().min(1).default('fffoto-users'),
  JWT_AUDIENCE: z.string().min(1).default('fffoto'),
  JWKS_URL: z.url().default('http://localhost:4001/.well-known/jwks.json'),
};

export const flag = bool;
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
