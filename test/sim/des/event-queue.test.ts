import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/core/random.js';
import { EventQueue } from '../../../src/sim/des/event-queue.js';

function drain(queue: EventQueue): { time: number; kind: number; a: number; b: number }[] {
  const out = [];
  while (queue.pop()) out.push({ time: queue.time, kind: queue.kind, a: queue.a, b: queue.b });
  return out;
}

test('events come out in time order with their payloads, across growth past the initial capacity', () => {
  const queue = new EventQueue();
  const random = Random.fromSeed(5);
  const pushed: { time: number; kind: number; a: number; b: number }[] = [];
  for (let i = 0; i < 5000; i += 1) {
    const event = { time: Math.floor(random.uniform() * 1e6) / 7, kind: i % 9, a: i, b: -2 * i - 1 };
    pushed.push(event);
    queue.push(event.time, event.kind, event.a, event.b);
  }
  assert.equal(queue.size, 5000);
  const popped = drain(queue);
  const expected = [...pushed].sort((x, y) => x.time - y.time || x.a - y.a);
  assert.deepEqual(popped, expected);
  assert.equal(queue.size, 0);
  assert.equal(queue.pop(), false);
  assert.equal(queue.peekTime(), Infinity);
});

test('equal times come out in insertion order, also when pushes and pops interleave', () => {
  const queue = new EventQueue();
  for (let i = 0; i < 3000; i += 1) queue.push(i % 3, 0, i, 0);
  const firstPops = [];
  for (let i = 0; i < 500; i += 1) {
    queue.pop();
    firstPops.push(queue.a);
  }
  for (let i = 3000; i < 4000; i += 1) queue.push(i % 3, 0, i, 0);
  const rest = drain(queue).map((event) => event.a);
  const all = [...firstPops, ...rest];
  // Time 0 first (insertion order), then time 1, then time 2; later pushes come after earlier ones.
  const expected = [0, 1, 2].flatMap((time) =>
    Array.from({ length: 4000 }, (_, i) => i).filter((i) => i % 3 === time),
  );
  assert.deepEqual(all, expected);
});

test('an event pushed at the time of the one just popped comes before later times', () => {
  const queue = new EventQueue();
  queue.push(1, 0, 1, 0);
  queue.push(2, 0, 2, 0);
  queue.pop();
  queue.push(1, 0, 3, 0);
  assert.deepEqual(
    drain(queue).map((event) => event.a),
    [3, 2],
  );
});

test('a NaN time is refused', () => {
  assert.throws(() => new EventQueue().push(NaN, 0, 0, 0), RangeError);
});
