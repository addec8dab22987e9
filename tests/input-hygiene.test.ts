// Control characters in variables (pure): found in document order at any depth, and a variable
// nested far deeper than the call stack allows is walked without overflowing it.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findControlCharacter } from '../packages/shared/src/input-hygiene.ts';

// Paths are named after the argument a variable feeds (what the client's form calls the field).
const document = parse('query($a: String, $b: String) { user(handle: $a) { id } searchUsers(query: $b, first: 1) { edges { cursor } } }');

describe('findControlCharacter over variables', () => {
  it('names the first string at fault, in order, lists and objects included', () => {
    expect(findControlCharacter(document, { a: 'fine', b: ['ok', 'bad\u0007', 'worse\u0000'] })).toBe('query.1');
    expect(findControlCharacter(document, { a: { x: ['fine', { y: 'bad\u0001' }] } })).toBe('handle.x.1.y');
    expect(findControlCharacter(document, { a: 'line\nand\ttab', b: [] })).toBeUndefined();
  });

  it('walks a variable nested 150,000 levels deep without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0002';
    for (let i = 0; i < 150_000; i++) deep = { v: deep };
    expect(findControlCharacter(document, { a: deep })).toBe(`handle${'.v'.repeat(150_000)}`);
  });
});
