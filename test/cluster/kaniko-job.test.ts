// The Kaniko Job spec (valid against the Kubernetes API schema, the executor's real flags, the credential
// mounted from a Secret and nowhere else) and the build file/flags it is made from.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { DataError, UsageError } from '../../src/core/errors.js';
import { buildFromFlags, readBuildFile } from '../../src/cluster/build-spec.js';
import {
  buildJobName,
  DEFAULT_KANIKO_IMAGE,
  kanikoJob,
  type ImageBuild,
  type KanikoSettings,
} from '../../src/cluster/kaniko-job.js';
import { tempDir } from '../cli.js';

const tmp = tempDir('kaniko');
after(() => tmp[Symbol.dispose]());

const BUILD: ImageBuild = {
  name: 'social-network',
  context: 'git://github.com/delimitrou/DeathStarBench.git#refs/heads/master',
  contextSubPath: 'socialNetwork',
  dockerfile: 'Dockerfile',
  destination: 'registry.example.com/rescape/social-network-microservices:0.1',
  buildArgs: { NUM_CPUS: '4', B: 'x' },
};
const SETTINGS: KanikoSettings = {
  namespace: 'builds',
  kanikoImage: DEFAULT_KANIKO_IMAGE,
  registrySecret: 'regcred',
  cache: true,
  cacheRepo: 'registry.example.com/rescape/cache',
  deadlineSeconds: 1800,
};
const { registrySecret: _secret, ...ANONYMOUS } = SETTINGS;

test('the Kaniko Job is valid against the Kubernetes API schema', () => {
  // client-node's and kubernetes-models' types differ in detail (Date vs string); the JSON is what is checked.
  const asModel = (job: object): ConstructorParameters<typeof Job>[0] =>
    JSON.parse(JSON.stringify(job)) as ConstructorParameters<typeof Job>[0];
  new Job(asModel(kanikoJob(BUILD, SETTINGS))).validate();
  new Job(asModel(kanikoJob(BUILD, { ...ANONYMOUS, cache: false }))).validate();
});

test("the executor gets its real flags, one attempt, a deadline, and the pinned community fork's image", () => {
  const job = kanikoJob(BUILD, SETTINGS);
  const container = job.spec!.template.spec!.containers[0]!;
  assert.equal(container.image, 'docker.io/martizih/kaniko:v1.27.6');
  assert.deepEqual(container.args, [
    '--context=git://github.com/delimitrou/DeathStarBench.git#refs/heads/master',
    '--context-sub-path=socialNetwork',
    '--dockerfile=Dockerfile',
    '--destination=registry.example.com/rescape/social-network-microservices:0.1',
    '--build-arg=B=x',
    '--build-arg=NUM_CPUS=4',
    '--cache=true',
    '--cache-repo=registry.example.com/rescape/cache',
    '--push-retry=3',
    '--digest-file=/dev/termination-log',
    '--log-format=text',
    '--verbosity=info',
  ]);
  assert.equal(job.metadata!.name, 'rescape-build-social-network');
  assert.equal(job.metadata!.namespace, 'builds');
  assert.equal(job.spec!.backoffLimit, 0);
  assert.equal(job.spec!.activeDeadlineSeconds, 1800);
  assert.equal(job.spec!.template.spec!.restartPolicy, 'Never');
  assert.equal(job.spec!.template.spec!.automountServiceAccountToken, false);
});

test('the registry credential is a Secret mounted at /kaniko/.docker: never an argument or an environment value', () => {
  const job = kanikoJob(BUILD, SETTINGS);
  const pod = job.spec!.template.spec!;
  assert.deepEqual(pod.volumes, [
    {
      name: 'registry-credentials',
      secret: { secretName: 'regcred', items: [{ key: '.dockerconfigjson', path: 'config.json' }] },
    },
  ]);
  assert.deepEqual(pod.containers[0]!.volumeMounts, [
    { name: 'registry-credentials', mountPath: '/kaniko/.docker', readOnly: true },
  ]);
  assert.equal(pod.containers[0]!.env, undefined);
  assert.ok(!pod.containers[0]!.args!.some((arg) => /regcred|password|token|auth/i.test(arg)));
  const anonymous = kanikoJob(BUILD, { ...ANONYMOUS, cache: false });
  assert.equal(anonymous.spec!.template.spec!.volumes, undefined);
  assert.ok(anonymous.spec!.template.spec!.containers[0]!.args!.includes('--cache=false'));
  assert.ok(
    !anonymous.spec!.template.spec!.containers[0]!.args!.some((arg) => arg.startsWith('--cache-repo')),
  );
});

test('Job names fit the 63 characters a label value allows', () => {
  assert.equal(buildJobName({ ...BUILD, name: 'a'.repeat(49) }).length, 63);
});

test('a build file: images with their fields, the Dockerfile defaulted', () => {
  const file = join(tmp.path, 'images.yaml');
  writeFileSync(
    file,
    `images:\n  - name: hotel\n    context: git://github.com/delimitrou/DeathStarBench.git\n    contextSubPath: hotelReservation\n    destination: registry.example.com/rescape/hotel:0.1\n    buildArgs: { GO_VERSION: "1.22" }\n`,
  );
  assert.deepEqual(readBuildFile(file), [
    {
      dockerfile: 'Dockerfile',
      name: 'hotel',
      context: 'git://github.com/delimitrou/DeathStarBench.git',
      contextSubPath: 'hotelReservation',
      destination: 'registry.example.com/rescape/hotel:0.1',
      buildArgs: { GO_VERSION: '1.22' },
    },
  ]);
});

const BAD_FILES: [string, string, RegExp, number, string][] = [
  [
    'a local directory as context',
    'images:\n  - name: web\n    context: ./src\n    destination: r.example.com/a/web:1\n',
    /context "\.\/src" is not something Kaniko can fetch/,
    3,
    'images[0].context',
  ],
  [
    'a destination that is a URL',
    'images:\n  - name: web\n    context: git://g.example.com/r.git\n    destination: https://r.example.com/web\n',
    /destination "https:\/\/r\.example\.com\/web" is not an image reference/,
    4,
    'images[0].destination',
  ],
  [
    'an unknown field',
    'images:\n  - name: web\n    context: git://g.example.com/r.git\n    destination: r.example.com/a/web:1\n    dockerFile: x\n',
    /unknown field "dockerFile"/,
    5,
    'images[0].dockerFile',
  ],
  [
    'a name that is no DNS label',
    'images:\n  - name: Web_1\n    context: git://g.example.com/r.git\n    destination: r.example.com/a/web:1\n',
    /name "Web_1" is not a DNS label/,
    2,
    'images[0].name',
  ],
  [
    'a number as build argument',
    'images:\n  - name: web\n    context: git://g.example.com/r.git\n    destination: r.example.com/a/web:1\n    buildArgs: { N: 4 }\n',
    /buildArgs must map names to strings/,
    5,
    'images[0].buildArgs',
  ],
  ['no images', 'image: []\n', /no images listed/, 1, 'images'],
  [
    'twice the same name',
    'images:\n  - {name: web, context: "git://g.example.com/r.git", destination: r.example.com/a/web:1}\n  - {name: web, context: "git://g.example.com/r.git", destination: r.example.com/a/web:2}\n',
    /image name "web" is listed twice/,
    3,
    'images[1].name',
  ],
];

for (const [name, text, message, line, field] of BAD_FILES) {
  test(`build file error: ${name}`, () => {
    const file = join(tmp.path, `${name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, text);
    const error = (() => {
      try {
        readBuildFile(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof DataError, String(error));
    assert.match(error.message, message);
    assert.equal(error.line, line);
    assert.equal(error.field, field);
    assert.equal(error.file, file);
  });
}

test('one build from flags, named after its repository; flag errors name the flag', () => {
  const build = buildFromFlags({
    context: 'git://g.example.com/r.git',
    dockerfile: 'Dockerfile',
    destination: 'r.example.com:5000/a/Web-App:1',
    buildArgs: ['A=1=2'],
  });
  assert.equal(build.name, 'web-app');
  assert.deepEqual(build.buildArgs, { A: '1=2' });
  assert.throws(
    () =>
      buildFromFlags({
        context: '/home/me/src',
        dockerfile: 'Dockerfile',
        destination: 'r.example.com/a/b:1',
        buildArgs: [],
      }),
    (error: unknown) =>
      error instanceof UsageError &&
      /^--build-context: /.test(error.message) &&
      /cannot read a directory on this machine/.test(error.suggestion ?? ''),
  );
  assert.throws(
    () =>
      buildFromFlags({
        context: 'git://g.example.com/r.git',
        dockerfile: 'Dockerfile',
        destination: 'r.example.com/a/b:1',
        buildArgs: ['novalue'],
      }),
    /--build-arg "novalue" is not KEY=VALUE/,
  );
});
