import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random.js';
import { ConcurrencySchedule } from '../../src/profiler/concurrency-schedule.js';

test('streams are reproducible and independent of each other', () => {
  const a = Random.fromSeed(9).stream(2);
  const b = Random.fromSeed(9).stream(2);
  const c = Random.fromSeed(9).stream(3);
  const draw = (r: Random) => Array.from({ length: 5 }, () => r.uniform());
  const first = draw(a);
  assert.deepEqual(first, draw(b));
  assert.notDeepEqual(first, draw(c));
});

test('int covers its closed range uniformly; normal has mean 0 and sd 1', () => {
  const random = Random.fromSeed(1);
  const counts = new Map<number, number>();
  for (let i = 0; i < 20000; i += 1) {
    const value = random.int(80, 83);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort(), [80, 81, 82, 83]);
  for (const count of counts.values()) assert.ok(Math.abs(count - 5000) < 300);
  const normals = Array.from({ length: 20000 }, () => random.normal());
  const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
  const sd = Math.sqrt(normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length);
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean} sd ${sd}`);
});

test('the concurrency schedule averages the draws a step spans', () => {
  const schedule = new ConcurrencySchedule({ min: 80, max: 220, redrawSeconds: 20 }, Random.fromSeed(5));
  const draws = [schedule.at(0), schedule.at(20), schedule.at(40)];
  assert.equal(schedule.meanOver(0, 30), (draws[0]! * 20 + draws[1]! * 10) / 30);
  assert.equal(schedule.meanOver(30, 60), (draws[1]! * 10 + draws[2]! * 20) / 30);
  assert.deepEqual(
    schedule.drawsWithin(0, 60).map((d) => d.atSeconds),
    [0, 20, 40],
  );
  assert.ok(draws.every((d) => Number.isInteger(d) && d >= 80 && d <= 220));
});
