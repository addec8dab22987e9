// Input rules for accounts. Pure functions: each returns the normalised value or throws a
// BAD_USER_INPUT error naming the field.
import { badInput } from '@fffoto/shared/errors';

const HANDLE = /^[a-z0-9_.]{3,30}$/;
/** Paths and words a handle must not take: routes of the web app, staff-sounding names. */
export const RESERVED_HANDLES = new Set([
  'about', 'account', 'admin', 'administrator', 'api', 'app', 'auth', 'blog', 'contact', 'explore',
  'feed', 'fffoto', 'graphql', 'help', 'home', 'jobs', 'legal', 'login', 'logout', 'me', 'mod',
  'moderator', 'news', 'null', 'party', 'phhhoto', 'privacy', 'root', 'search', 'security',
  'settings', 'signin', 'signup', 'staff', 'static', 'support', 'system', 'terms', 'undefined',
  'well-known', 'wow', 'www',
]);
export const PASSWORD_MIN = 10;
/** Upper bound so a huge password cannot make hashing a denial of service. */
export const PASSWORD_MAX = 256;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function normaliseHandle(raw: string): string {
  const handle = raw.trim().toLowerCase();
  if (!HANDLE.test(handle)) {
    throw badInput('Handle must be 3–30 characters of a–z, 0–9, "_" and ".".', 'handle');
  }
  if (handle.startsWith('.') || handle.endsWith('.') || handle.includes('..')) {
    throw badInput('Handle cannot start or end with "." or contain "..".', 'handle');
  }
  if (RESERVED_HANDLES.has(handle)) throw badInput(`The handle "${handle}" is reserved.`, 'handle');
  return handle;
}

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput('Email address is not valid.', 'email');
  return email;
}

export function checkPassword(password: string): string {
  if (password.length < PASSWORD_MIN) {
    throw badInput(`Password must be at least ${PASSWORD_MIN} characters.`, 'password');
  }
  if (password.length > PASSWORD_MAX) {
    throw badInput(`Password must be at most ${PASSWORD_MAX} characters.`, 'password');
  }
  return password;
}

/** Optional free text: trimmed, empty becomes null, length-capped, no control characters. */
export function optionalText(raw: string | null | undefined, field: string, max: number, multiline = false) {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  const text = raw.trim();
  if (text === '') return null;
  if (text.length > max) throw badInput(`${field} must be at most ${max} characters.`, field);
  const stripped = multiline ? text.replace(/\n/g, '') : text;
  if (CONTROL.test(stripped)) throw badInput(`${field} contains control characters.`, field);
  return text;
}

/** The LIKE pattern for a search query, with its wildcards escaped. */
export function likeEscape(query: string): string {
  return query.replace(/[\\%_]/g, (c) => `\\${c}`);
}
