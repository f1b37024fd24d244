import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, UsageError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { parseMix, readMixFile } from '../../src/load/mix-file.js';
import { RequestMix } from '../../src/load/request-mix.js';
import { tempDir } from '../cli.js';

const GOOD = `format: rescape.load-mix/v1
name: shop
requests:
  - name: browse
    weight: 3
    method: get
    path: /items/{{item}}?page={{page}}
    params:
      item: { pick: [apple, pear] }
      page: { int: [1, 3], pad: 2 }
  - name: buy
    weight: 1
    method: POST
    path: /orders
    headers:
      Content-Type: application/json
    body: '{"item":"{{item}}","qty":{{qty}},"note":"{{note}}"}'
    params:
      item: { pick: { values: [apple, pear], weights: [0, 1] } }
      base: { int: [1, 1] }
      qty: { sum: [base, 1] }
      note: { text: 'x{{qty}}', encode: uri }
`;

test('a user mix: method, path and body templates, weights and parameters', () => {
  const mix = RequestMix.compile(parseMix(GOOD, 'shop.yaml'));
  assert.deepEqual(mix.types, [
    { name: 'browse', share: 0.75 },
    { name: 'buy', share: 0.25 },
  ]);
  const random = Random.fromSeed(2);
  const seen = new Set<string>();
  for (let index = 0; index < 200; index += 1) {
    const request = mix.draw(random);
    if (request.type === 0) {
      assert.equal(request.method, 'GET');
      assert.match(request.path, /^\/items\/(apple|pear)\?page=0[1-3]$/);
      assert.equal(request.body, undefined);
    } else {
      assert.equal(request.body, '{"item":"pear","qty":2,"note":"x2"}');
      assert.deepEqual(request.headers, ['Content-Type', 'application/json']);
    }
    seen.add(request.path);
  }
  assert.ok(seen.size >= 6);
});

test('mistakes in a mix file are DataErrors naming the file, line and field', () => {
  const cases: [string, string, number, string, RegExp][] = [
    ['format: v0', 'format: rescape.load-mix/v0', 1, 'format', /format must be rescape\.load-mix\/v1/],
    [
      'unknown top-level field',
      'format: rescape.load-mix/v1\nname: x\nextra: 1\nrequests: []',
      3,
      'extra',
      /unknown field "extra"/,
    ],
    [
      'no requests',
      'format: rescape.load-mix/v1\nname: x\nrequests: []',
      3,
      'requests',
      /at least one request/,
    ],
    ['negative weight', GOOD.replace('weight: 3', 'weight: -3'), 5, 'requests[0].weight', /must be ≥ 0/],
    [
      'bad method',
      GOOD.replace('method: get', 'method: FETCH'),
      6,
      'requests[0].method',
      /unknown HTTP method "FETCH"/,
    ],
    [
      'relative path',
      GOOD.replace('path: /items/', 'path: items/'),
      7,
      'requests[0].path',
      /must start with "\/"/,
    ],
    [
      'unknown placeholder',
      GOOD.replace('?page={{page}}', '?page={{pages}}'),
      7,
      'requests[0].path',
      /\{\{pages\}\} names no parameter/,
    ],
    [
      'two generators',
      GOOD.replace('item: { pick: [apple, pear] }', 'item: { pick: [a], int: [1, 2] }'),
      9,
      'requests[0].params.item',
      /exactly one generator, found pick and int/,
    ],
    [
      'int bounds',
      GOOD.replace('int: [1, 3]', 'int: [1, 2, 3]'),
      10,
      'requests[0].params.page.int',
      /must be \[min, max\], got 3 values/,
    ],
    [
      'forward reference',
      GOOD.replace('qty: { sum: [base, 1] }', 'qty: { sum: [later, 1] }'),
      21,
      'requests[1].params.qty.sum[0]',
      /"later" names no parameter defined before/,
    ],
    [
      'weights count',
      GOOD.replace('weights: [0, 1]', 'weights: [1]'),
      19,
      'requests[1].params.item.pick.weights',
      /1 weights for 2 values/,
    ],
    [
      'reserved header',
      GOOD.replace('Content-Type: application/json', 'Content-Length: "3"'),
      16,
      'requests[1].headers.Content-Length',
      /set by the load generator/,
    ],
    [
      'bad encoding',
      GOOD.replace('encode: uri', 'encode: base64'),
      22,
      'requests[1].params.note.encode',
      /encode must be form or uri/,
    ],
    ['duplicate name', GOOD.replace('name: buy', 'name: browse'), 11, 'requests[1].name', /used twice/],
    ['yaml syntax', 'format: rescape.load-mix/v1\nrequests:\n  - name: [unclosed\n', 4, '', /not valid YAML/],
  ];
  for (const [what, text, line, field, message] of cases) {
    assert.throws(
      () => parseMix(text, 'mix.yaml'),
      (error: unknown) => {
        assert.ok(error instanceof DataError, `${what}: ${String(error)}`);
        assert.equal(error.file, 'mix.yaml', what);
        assert.equal(error.line, line, `${what}: ${error.message}`);
        if (field !== '') assert.equal(error.field, field, `${what}: ${error.message}`);
        assert.match(error.message, message, what);
        assert.ok((error.suggestion ?? '').length > 0, `${what} has a suggestion`);
        return true;
      },
      what,
    );
  }
});

test('an unreadable mix file is a usage error naming the path', () => {
  using tmp = tempDir('mix');
  assert.throws(
    () => readMixFile(join(tmp.path, 'missing.yaml')),
    (error: unknown) => error instanceof UsageError && /missing\.yaml/.test(error.message),
  );
  const file = join(tmp.path, 'ok.yaml');
  writeFileSync(file, GOOD);
  assert.equal(readMixFile(file).requests.length, 2);
});
