// The Redactor cuts known credentials and anything shaped like one from text bound for the user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redactor } from '../../src/cluster/secret-redaction.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.sig-part_1';

const CASES: [string, string, string][] = [
  [
    'a known token anywhere',
    `request failed for token ${TOKEN} at /api`,
    'request failed for token [redacted] at /api',
  ],
  [
    'a Bearer header with an unknown token',
    'Headers: {"authorization":"Bearer abc.def-ghi"}',
    'Headers: {"authorization":"[redacted]"}',
  ],
  ['Basic credentials', 'Authorization: Basic dXNlcjpwYXNz', 'Authorization: [redacted]'],
  ['a token field in YAML/JSON', 'user: {token: s3cr3t-value}', 'user: {token: [redacted]}'],
  ['a password field', '"password":"hunter22"', '"password":"[redacted]"'],
  [
    'ordinary text is left alone',
    'deployments.apps "web" is forbidden',
    'deployments.apps "web" is forbidden',
  ],
];

for (const [name, input, expected] of CASES) {
  test(`redaction: ${name}`, () => {
    assert.equal(new Redactor([TOKEN, 'short']).redact(input), expected);
  });
}

test('short values are not treated as secrets (they would cut ordinary words)', () => {
  assert.equal(new Redactor(['abc']).redact('abc abcdef'), 'abc abcdef');
});

test('with() adds secrets; the longest is cut first', () => {
  const redactor = new Redactor(['secret-one-1234']).with(['secret-one-1234-and-more']);
  assert.equal(
    redactor.redact('x secret-one-1234-and-more y secret-one-1234 z'),
    'x [redacted] y [redacted] z',
  );
});
