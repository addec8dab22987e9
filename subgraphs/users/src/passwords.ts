// Password hashing: argon2id with OWASP's minimum parameters (19 MiB, t=2, p=1).
import { hash, verify, type Algorithm } from '@node-rs/argon2';

// Algorithm is a const enum (not importable as a value under isolatedModules); 2 is Argon2id.
const OPTIONS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassword = (password: string) => hash(password, OPTIONS);

/** A hash to verify against when the login is unknown, so both failures take the same time. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash === undefined) {
    dummyHash ??= hash('not-a-real-password', OPTIONS);
    await verify(await dummyHash, password);
    return false;
  }
  return verify(passwordHash, password);
}
