import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attributes,
  escapeHtml,
  formatCompact,
  formatDuration,
  formatPercent,
  formatValue,
  slug,
} from '../../src/report/html.js';

test('escapeHtml neutralises markup in text and attributes', () => {
  assert.equal(
    escapeHtml(`<script>alert("x&y")</script> it's`),
    '&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt; it&#39;s',
  );
  assert.equal(
    attributes({ title: '"><img>', skipped: undefined, n: 3 }),
    ' title="&quot;&gt;&lt;img&gt;" n="3"',
  );
});

test('slug makes ids from any text', () => {
  assert.equal(slug('sm', 'Post Storage <Mongo>'), 'sm-post-storage-mongo');
  assert.equal(slug('sm', '<>'), 'sm-x');
});

test('number formats', () => {
  const cases: [string, string][] = [
    [formatValue(0.043250864), '0.04325'],
    [formatValue(123456.7), '123500'],
    [formatValue(null), '–'],
    [formatValue(NaN), '–'],
    [formatCompact(0.003718), '0.0037'],
    [formatPercent(12.345), '12.3 %'],
    [formatPercent(0.5, true), '50.0 %'],
    [formatDuration(30), '30 s'],
    [formatDuration(2700), '45 min'],
    [formatDuration(43200), '12 h'],
    [formatDuration(5400), '1 h 30 min'],
  ];
  for (const [actual, expected] of cases) assert.equal(actual, expected);
});
