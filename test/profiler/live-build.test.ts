// The rule that ties `rescape profile --build` to the deploy (live-build.ts), without a cluster: the shipped
// build files (manifests/builds/) name images the deploy pulls, the registry is derived from the destinations or
// checked against --registry, and a destination the deploy never pulls is a usage error saying where to push.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { MANIFESTS_ROOT } from '../../src/cluster/manifests/manifest-files.js';
import { planLiveBuild } from '../../src/profiler/live-build.js';
import { tempDir } from '../cli.js';

const KANIKO = { kanikoImage: 'docker.io/martizih/kaniko:v1.27.6', cache: true, deadlineSeconds: 600 };

for (const benchmark of ['social-network', 'hotel-reservation', 'media-microservices'] as const) {
  test(`manifests/builds/${benchmark}.yaml builds an image the ${benchmark} deploy pulls`, () => {
    const file = join(MANIFESTS_ROOT, 'builds', `${benchmark}.yaml`);
    const plan = planLiveBuild({ file, kaniko: KANIKO }, { benchmark, namespace: benchmark });
    assert.equal(plan.registry, 'registry.example.com/rescape');
    assert.equal(plan.settings.namespace, benchmark);
    assert.equal(plan.builds.length, 1);
    assert.match(
      plan.builds[0]!.context,
      /^git:\/\/github\.com\/delimitrou\/DeathStarBench\.git#refs\/heads\/master#[0-9a-f]{40}$/,
    );
    const same = planLiveBuild(
      { file, kaniko: KANIKO },
      { benchmark, namespace: benchmark, registry: 'registry.example.com/rescape/' },
    );
    assert.equal(same.registry, 'registry.example.com/rescape');
  });
}

test('images pushed under two registries are a usage error naming both', () => {
  using tmp = tempDir('live-build');
  const file = join(tmp.path, 'two.yaml');
  const image = (name: string, destination: string) =>
    `  - name: ${name}\n    context: git://github.com/delimitrou/DeathStarBench.git\n    destination: ${destination}\n`;
  writeFileSync(
    file,
    `images:\n${image('services', 'a.example.com/deathstarbench/social-network-microservices:latest')}${image('front', 'b.example.com/yg397/openresty-thrift:xenial')}`,
  );
  assert.throws(
    () => planLiveBuild({ file, kaniko: KANIKO }, { benchmark: 'social-network', namespace: 'sn' }),
    (error: unknown) =>
      error instanceof UsageError &&
      /images "services" and "front" are pushed under different registries \(a\.example\.com and b\.example\.com\)/.test(
        error.message,
      ) &&
      /a\.example\.com\/yg397\/openresty-thrift:xenial/.test(error.suggestion ?? ''),
  );
});
