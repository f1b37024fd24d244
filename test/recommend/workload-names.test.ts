import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import {
  checkNamespace,
  parseWorkloadMap,
  resolveWorkloadNames,
} from '../../src/recommend/workload-names.js';

test('--map entries give a Deployment and, optionally, a container', () => {
  const map = parseWorkloadMap(['user-service=users/app', 'media=media-frontend']);
  assert.deepEqual(resolveWorkloadNames(map, ['media', 'text-service', 'user-service']), [
    { deployment: 'media-frontend', container: 'media-frontend' },
    { deployment: 'text-service', container: 'text-service' },
    { deployment: 'users', container: 'app' },
  ]);
});

test('bad --map entries and namespaces are usage errors naming the flag', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => parseWorkloadMap(['no-equals-sign']), /^--map "no-equals-sign": not SERVICE=DEPLOYMENT/],
    [() => parseWorkloadMap(['a=Bad_Name']), /"Bad_Name" is not a Kubernetes Deployment name/],
    [() => parseWorkloadMap(['a=ok/Bad.Container']), /"Bad.Container" is not a Kubernetes container name/],
    [() => parseWorkloadMap(['a=x', 'a=y']), /a is mapped twice/],
    [
      () => resolveWorkloadNames(parseWorkloadMap(['ghost=x']), ['a']),
      /^--map: the run has no service ghost/,
    ],
    [
      () => checkNamespace('Social_Network'),
      /^--namespace: "Social_Network" is not a Kubernetes namespace name/,
    ],
  ];
  for (const [run, message] of cases) {
    assert.throws(
      run,
      (error: unknown) =>
        error instanceof UsageError && message.test(error.message) && error.suggestion !== undefined,
    );
  }
});

test('a service whose name cannot be a Deployment name gets no patch unless mapped', () => {
  const [unmapped, mapped] = resolveWorkloadNames(parseWorkloadMap(['MS_2=ms-2']), ['MS_1', 'MS_2']);
  assert.match((unmapped as { problem: string }).problem, /--map MS_1=NAME/);
  assert.deepEqual(mapped, { deployment: 'ms-2', container: 'ms-2' });
});
