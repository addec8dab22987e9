// Caption rules: length, #hashtags and @mentions. Pure functions; each throws BAD_USER_INPUT
// naming the field.
import { badInput } from '@fffoto/shared/errors';

export const CAPTION_MAX = 2_200;
export const TAGS_MAX = 30;
export const TAG_MAX_LENGTH = 64;
export const MENTIONS_MAX = 10;

// Letters, digits, _ — and, after the first, combining marks: NFC leaves marks that have no
// precomposed form (Devanagari vowel signs, …), which are part of the word.
const HASHTAG = /#([\p{L}\p{N}_][\p{L}\p{M}\p{N}_]*)/gu;
// A handle is [a-z0-9_.]{3,30}; not preceded by a word character, so e-mail addresses are not mentions.
const MENTION = /(?<![\p{L}\p{N}_.@])@([A-Za-z0-9_.]{3,30})/gu;

/** Trimmed caption (empty → null), at most CAPTION_MAX characters (code points). */
export function normaliseCaption(raw: string | null | undefined): string | null {
  const caption = (raw ?? '').normalize('NFC').trim();
  if (caption === '') return null;
  if ([...caption].length > CAPTION_MAX) {
    throw badInput(`Caption must be at most ${CAPTION_MAX} characters.`, 'input.caption');
  }
  return caption;
}

/** A tag as stored and looked up: NFC, lower-case, without '#'. */
export const normaliseTag = (raw: string) => raw.trim().replace(/^#/, '').normalize('NFC').toLowerCase();

/** The caption's hashtags, deduplicated in order of first use; more than TAGS_MAX is refused. */
export function parseHashtags(caption: string | null): string[] {
  if (!caption) return [];
  const tags = [...new Set([...caption.normalize('NFC').matchAll(HASHTAG)].map((m) => normaliseTag(m[1]!)))];
  if (tags.length > TAGS_MAX) throw badInput(`At most ${TAGS_MAX} hashtags per post.`, 'input.caption');
  const long = tags.find((t) => [...t].length > TAG_MAX_LENGTH);
  if (long) throw badInput(`A hashtag may be at most ${TAG_MAX_LENGTH} characters.`, 'input.caption');
  return tags;
}

/** Handles mentioned (lower-case, deduplicated, at most MENTIONS_MAX), in order of first use. */
export function parseMentions(caption: string | null): string[] {
  if (!caption) return [];
  const handles = [...caption.matchAll(MENTION)].map((m) => m[1]!.toLowerCase().replace(/\.+$/, ''));
  return [...new Set(handles.filter((h) => h.length >= 3))].slice(0, MENTIONS_MAX);
}
