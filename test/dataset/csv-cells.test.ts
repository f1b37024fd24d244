import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import {
  formatBytes,
  formatDecimal,
  formatInteger,
  formatText,
  parseDecimal,
  parseInteger,
} from '../../src/dataset/csv-cells.js';

const col = 'cpu_utilization';
const at = { file: 'ms_metric.csv', line: 4 };

describe('csv cells', () => {
  test('decimals: fixed digits, trailing zeros stripped, null is empty', () => {
    const cases: [number | null, number, string][] = [
      [1.5, 6, '1.5'],
      [2, 6, '2'],
      [0, 6, '0'],
      [-0, 6, '0'],
      [0.1234567, 6, '0.123457'],
      [10, 3, '10'],
      [100.0004, 3, '100'],
      [12.3456, 3, '12.346'],
      [1e-7, 6, '0'],
      [null, 6, ''],
    ];
    for (const [value, digits, expected] of cases) {
      assert.equal(formatDecimal(value, digits, col, at), expected, `${String(value)} with ${digits} digits`);
    }
  });

  test('bytes are rounded integers; integers are plain digits', () => {
    assert.equal(formatBytes(4096.4, col, at), '4096');
    assert.equal(formatBytes(null, col, at), '');
    assert.equal(formatInteger(1440, col, at), '1440');
  });

  test('refuses values the reader would reject', () => {
    assert.throws(() => formatDecimal(Number.NaN, 6, col, at), DataError);
    assert.throws(() => formatDecimal(-0.5, 6, col, at), DataError);
    assert.throws(() => formatDecimal(Number.POSITIVE_INFINITY, 6, col, at), DataError);
    assert.throws(() => formatInteger(1.5, col, at), DataError);
    assert.throws(() => formatInteger(-1, col, at), DataError);
    assert.throws(() => formatText('a\nb', col, at), DataError);
    assert.throws(() => formatText('', col, at), DataError);
    assert.equal(formatText('', col, at, { allowEmpty: true }), '');
  });

  test('parses numbers strictly and names column and value', () => {
    assert.equal(parseInteger('42', col, at), 42);
    assert.equal(parseDecimal('1.5', col, at, true), 1.5);
    assert.equal(parseDecimal('2e-3', col, at, true), 0.002);
    assert.equal(parseDecimal('', col, at, true), null);
    for (const bad of ['abc', '1.2.3', ' 1', '0x10', 'Infinity', 'NaN']) {
      assert.throws(
        () => parseDecimal(bad, col, at, true),
        (error: unknown) =>
          error instanceof DataError &&
          error.message.includes('ms_metric.csv:4') &&
          error.message.includes('cpu_utilization') &&
          error.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
    assert.throws(() => parseDecimal('', col, at, false), DataError);
    assert.throws(() => parseDecimal('-0.1', col, at, true), /negative value -0.1/);
    assert.throws(() => parseInteger('1.0', col, at), DataError);
    assert.throws(() => parseInteger('-1', col, at), DataError);
  });

  test('a formatted value parses back to itself rounded to the digits', () => {
    for (const value of [0, 0.5, 1 / 3, 123.456789, 7e-6, 31.999999]) {
      const text = formatDecimal(value, 6, col, at);
      assert.equal(parseDecimal(text, col, at, false), Number(value.toFixed(6)));
    }
  });
});
