/** Unit tests of the kernel's wire codec, signing, cursor conversion and history queries. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { History } from '../kernel/history';
import { codePointsToIndex, indexToCodePoints } from '../kernel/positions';
import { decode, encode, newHeader, Signer, WireError } from '../kernel/wire';

const signer = new Signer('secret-key');

function message(content: Record<string, unknown>) {
  return { identities: [Buffer.from('client-1'), Buffer.from('client-2')], header: newHeader('execute_request', 's1'), parent_header: {}, metadata: {}, content };
}

describe('wire codec', () => {
  it('round-trips a signed message with its routing identities and buffers', () => {
    const frames = encode({ ...message({ code: '1 + 1' }), buffers: [Buffer.from([1, 2, 3])] }, signer);
    expect(frames[2].toString()).toBe('<IDS|MSG>');
    expect(frames[3].toString()).toMatch(/^[0-9a-f]{64}$/);
    const m = decode(frames, signer);
    expect(m.identities.map(String)).toEqual(['client-1', 'client-2']);
    expect(m.header.msg_type).toBe('execute_request');
    expect(m.content).toEqual({ code: '1 + 1' });
    expect(m.buffers).toEqual([Buffer.from([1, 2, 3])]);
  });

  it('rejects a wrong signature, a tampered body and an unsigned message', () => {
    const frames = encode(message({ code: 'x' }), new Signer('other-key'));
    expect(() => decode(frames, signer)).toThrow(new WireError('invalid signature'));
    const tampered = encode(message({ code: 'x' }), signer);
    tampered[7] = Buffer.from(JSON.stringify({ code: 'rm -rf' }));
    expect(() => decode(tampered, signer)).toThrow(/invalid signature/);
    const unsigned = encode(message({ code: 'x' }), new Signer(''));
    expect(() => decode(unsigned, signer)).toThrow(/unsigned message/);
  });

  it('accepts anything when the connection file has no key, and rejects malformed frames', () => {
    const open = new Signer('');
    expect(decode(encode(message({ a: 1 }), signer), open).content).toEqual({ a: 1 });
    expect(() => decode([Buffer.from('no delimiter')], signer)).toThrow(/delimiter/);
    expect(() => decode([Buffer.from('<IDS|MSG>'), Buffer.from('')], open)).toThrow(/expected 6 frames/);
  });
});

describe('cursor positions', () => {
  it('converts between Unicode code points (Jupyter) and UTF-16 indexes (JS)', () => {
    const text = 'a😀b.c';
    expect(codePointsToIndex(text, 3)).toBe(4);
    expect(indexToCodePoints(text, 4)).toBe(3);
    expect(codePointsToIndex('abc', 2)).toBe(2);
  });
});

describe('history', () => {
  it('persists across sessions and answers tail, range and search', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsflink-hist-')), 'h.jsonl');
    const first = new History(file);
    expect(first.session).toBe(1);
    first.add(1, 'const a = 1');
    first.add(2, 'a + 1');
    const second = new History(file);
    expect(second.session).toBe(2);
    second.add(1, 'a * 2');
    expect(second.query({ hist_access_type: 'tail', n: 2 })).toEqual([
      [1, 2, 'a + 1'],
      [2, 1, 'a * 2'],
    ]);
    expect(second.query({ hist_access_type: 'range', session: -1, start: 1, stop: 2 })).toEqual([[1, 1, 'const a = 1']]);
    expect(second.query({ hist_access_type: 'range', session: 0, start: 1, stop: null, output: true })).toEqual([[2, 1, ['a * 2', null]]]);
    expect(second.query({ hist_access_type: 'search', pattern: 'a *' })).toEqual([
      [1, 2, 'a + 1'],
      [2, 1, 'a * 2'],
    ]);
    fs.appendFileSync(file, '{"torn":');
    expect(new History(file).session).toBe(3);
  });
});
