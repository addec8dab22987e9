// Caption parsing rules (pure functions; the e2e tests check them through the API too).
import { describe, expect, it } from 'vitest';
import { normaliseCaption, normaliseTag, parseHashtags, parseMentions } from '../src/text.ts';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { extensions?: { code?: string } }).extensions?.code;
  }
  return 'OK';
};

describe('hashtags', () => {
  it('takes # + Unicode letters, digits and _, lower-cased, NFC, deduplicated in order of first use', () => {
    expect(parseHashtags('#Zebra then #東京, #ÉTÉ_2 #e\u0301te\u0301_2 #zebra #a-b #x!y #_')).toEqual(['zebra', '東京', 'été_2', 'a', 'x', '_']);
    expect(parseHashtags('#١٢٣ #Ωmega #हिन्दी')).toEqual(['١٢٣', 'ωmega', 'हिन्दी']);
    expect(parseHashtags('no tags # here')).toEqual([]);
    expect(parseHashtags(null)).toEqual([]);
  });

  it('allows 30, refuses 31 and a tag over 64 characters', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `#t${i}`).join(' ');
    expect(parseHashtags(tags(30))).toHaveLength(30);
    expect(parseHashtags(`${tags(30)} #t0 #T1`)).toHaveLength(30); // duplicates do not count
    expect(code(() => parseHashtags(tags(31)))).toBe('BAD_USER_INPUT');
    expect(parseHashtags(`#${'é'.repeat(64)}`)).toHaveLength(1);
    expect(code(() => parseHashtags(`#${'é'.repeat(65)}`))).toBe('BAD_USER_INPUT');
  });

  it('normalises a tag argument the same way', () => {
    expect(normaliseTag(' #E\u0301TE\u0301 ')).toBe('\u00e9t\u00e9');
  });
});

describe('mentions', () => {
  it('finds @handles, lower-cased, deduplicated, not in e-mail addresses, without a trailing dot, at most 10', () => {
    expect(parseMentions('@Ada hi @bo.loops. and a@b.com @ada @cy_bounce! @no')).toEqual(['ada', 'bo.loops', 'cy_bounce']);
    const many = Array.from({ length: 12 }, (_, i) => `@user${i}`).join(' ');
    expect(parseMentions(many)).toHaveLength(10);
  });
});

describe('caption', () => {
  it('is trimmed, empty is null, at most 2,200 characters (code points)', () => {
    expect(normaliseCaption('  hi  ')).toBe('hi');
    expect(normaliseCaption('   ')).toBeNull();
    expect(normaliseCaption('🙂'.repeat(2200))).toHaveLength(4400); // 2,200 characters, 4,400 UTF-16 units
    expect(code(() => normaliseCaption('a'.repeat(2201)))).toBe('BAD_USER_INPUT');
  });
});
