import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTopology } from '../../../src/sim/des/call-program.js';
import { addEndpointVisits } from '../../../src/sim/service-demand.js';
import { getTopology } from '../../../src/sim/topologies/index.js';
import type { Topology } from '../../../src/sim/topology-types.js';
import { tinyTopology } from '../tiny-topology.js';
import { runStatic, scenario } from './des-helpers.js';

test('call trees compile to flat programs: counts unrolled, miss paths after their lookup, probability groups', () => {
  const program = compileTopology(tinyTopology);
  assert.deepEqual(program.services, ['api', 'cache', 'db', 'gw']);
  const [read, write] = program.endpoints;
  assert.equal(read?.service, 3);
  // read: gw → api; api → cache lookup, then its miss path (db).
  assert.equal(read!.programEnd - read!.programStart, 1);
  const api = read!.programStart;
  assert.equal(program.service[api], 0);
  const lookup = program.programStart[api]!;
  assert.equal(program.service[lookup], 1);
  assert.equal(program.hitRate[lookup], 0.8);
  assert.equal(program.missLength[lookup], 1);
  assert.equal(program.service[lookup + 1], 2);
  assert.equal(program.programEnd[api]! - lookup, 2);
  // write: api → db twice (count 2), one group.
  const writeApi = write!.programStart;
  const writes = program.programStart[writeApi]!;
  assert.equal(program.programEnd[writeApi]! - writes, 2);
  assert.equal(program.groupLength[writes], 2);
  assert.deepEqual([program.service[writes], program.service[writes + 1]], [2, 2]);
});

/** Expected calls per request to each service, from the step-level simulator's demand model. */
function expectedVisits(topology: Topology): Float64Array {
  const names = compileTopology(topology).services;
  const indexOf = new Map(names.map((name, index) => [name, index]));
  const conditions = {
    indexOf,
    missFactor: new Float64Array(names.length).fill(1),
    failFraction: new Float64Array(names.length),
  };
  const total = topology.endpoints.reduce((sum, endpoint) => sum + endpoint.weight, 0);
  const visits = new Float64Array(names.length);
  for (const endpoint of topology.endpoints) {
    const perEndpoint = new Float64Array(names.length);
    addEndpointVisits(endpoint, conditions, perEndpoint);
    perEndpoint.forEach((value, s) => (visits[s] = (visits[s] ?? 0) + (value * endpoint.weight) / total));
  }
  return visits;
}

for (const [name, topology] of [
  ['tiny (cache misses, repeated calls)', tinyTopology],
  ['hotel-reservation (probabilities, read-through caches)', getTopology('hotel-reservation')],
] as const) {
  test(`${name}: calls per request in the simulation match the call paths' expectation`, async () => {
    const outcome = await runStatic(
      scenario({
        topology,
        durationSeconds: 600,
        load: { kind: 'open', min: 60, max: 60, redrawSeconds: 60 },
      }),
      3,
    );
    const requests = outcome.responses.issued;
    const expected = expectedVisits(topology);
    outcome.services.forEach((service, s) => {
      const visits = service.served / requests;
      const want = expected[s] ?? 0;
      if (want === 0) return assert.equal(service.served, 0, service.name);
      // Calls are (close to) Poisson counts: 4 standard deviations of the count, relative to the requests.
      const tolerance = (4 * Math.sqrt(want * requests)) / requests;
      assert.ok(
        Math.abs(visits - want) <= tolerance,
        `${service.name}: ${visits.toFixed(4)} calls per request, expected ${want.toFixed(4)} ± ${tolerance.toFixed(4)}`,
      );
    });
  });
}
