// The Kubernetes Job that builds one image with the Kaniko executor: a Dockerfile build context fetched by
// Kaniko itself (git, a bucket, an HTTPS tarball, or a path on a mounted volume), pushed to --destination with
// registry-side layer caching. The registry credential is a docker config.json Secret the user names (type
// kubernetes.io/dockerconfigjson), mounted read-only at /kaniko/.docker, where the executor looks for it: it
// is never in the arguments, the environment, or anything rescape prints. The pod has no ServiceAccount token
// (Kaniko does not talk to the Kubernetes API), one attempt (backoffLimit 0: a failed build is reported with
// its log, not retried blindly), and a deadline (activeDeadlineSeconds). Pure: it only builds the object.
import type { V1Job } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL } from './server-side-apply.js';

/**
 * Google archived GoogleContainerTools/kaniko in June 2025 (gcr.io/kaniko-project/executor gets no more
 * releases). The default is the maintained community fork osscontainertools/kaniko (it carries the upstream
 * fixes Google left open; a patch release every two weeks per its docs/releases.md), whose CI
 * (.github/workflows/images.yaml) publishes the executor as docker.io/martizih/kaniko:<git tag>; v1.27.6 is its
 * CHANGELOG.md release of 2026-06-05. Chainguard's fork (chainguard-dev/kaniko) was not chosen: its image comes
 * from Chainguard's registry, reported as paid (devspace-sh/devspace#2981), and it mostly merges dependency bumps
 * (osscontainertools/kaniko#257).
 * Pinned by tag; --kaniko-image overrides it (e.g. with a digest, or a mirror in a private registry).
 */
export const DEFAULT_KANIKO_IMAGE = 'docker.io/martizih/kaniko:v1.27.6';

/** Where the executor reads registry credentials from (its DOCKER_CONFIG). */
export const KANIKO_DOCKER_CONFIG_DIR = '/kaniko/.docker';

export interface ImageBuild {
  /** Short name of the image (a DNS label): names the Job. */
  name: string;
  /** Kaniko build context: git://…, gs://…, s3://…, https://….tar.gz, dir://… (a path in the pod). */
  context: string;
  /** Sub-directory of the context holding the build (Kaniko's --context-sub-path). */
  contextSubPath?: string;
  /** Dockerfile path, relative to the context (default "Dockerfile"). */
  dockerfile: string;
  /** Image reference to push, e.g. registry.example.com/rescape/social-network:0.1. */
  destination: string;
  buildArgs?: Record<string, string>;
  /** Multi-stage target. */
  target?: string;
}

export interface KanikoSettings {
  namespace: string;
  kanikoImage: string;
  /** Name of a kubernetes.io/dockerconfigjson Secret in the namespace; none for registries without auth. */
  registrySecret?: string;
  /** Layer cache on: Kaniko pushes cached layers to cacheRepo, or to <destination repository>/cache. */
  cache: boolean;
  cacheRepo?: string;
  /** activeDeadlineSeconds of the Job. */
  deadlineSeconds: number;
}

/** "rescape-build-<name>", cut to the 63 characters a Job name (and its pods' label) may have. */
export function buildJobName(build: ImageBuild): string {
  return `rescape-build-${build.name}`.slice(0, 63).replace(/-+$/, '');
}

/** The executor's arguments, in the --flag=value form it documents. */
export function kanikoArgs(build: ImageBuild, settings: KanikoSettings): string[] {
  return [
    `--context=${build.context}`,
    ...(build.contextSubPath === undefined ? [] : [`--context-sub-path=${build.contextSubPath}`]),
    `--dockerfile=${build.dockerfile}`,
    `--destination=${build.destination}`,
    ...(build.target === undefined ? [] : [`--target=${build.target}`]),
    ...Object.entries(build.buildArgs ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `--build-arg=${key}=${value}`),
    `--cache=${settings.cache}`,
    ...(settings.cache && settings.cacheRepo !== undefined ? [`--cache-repo=${settings.cacheRepo}`] : []),
    '--push-retry=3',
    // The digest lands in the container's termination message, where rescape reads it back from the pod status.
    '--digest-file=/dev/termination-log',
    '--log-format=text',
    '--verbosity=info',
  ];
}

export function kanikoJob(build: ImageBuild, settings: KanikoSettings): V1Job {
  const name = buildJobName(build);
  const labels = {
    ...MANAGED_BY_LABEL,
    'app.kubernetes.io/name': 'rescape',
    'app.kubernetes.io/component': 'image-build',
    'rescape.dev/image': build.name,
  };
  const secret = settings.registrySecret;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: settings.namespace, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: settings.deadlineSeconds,
      // Kept a day for `kubectl logs job/<name>`, then collected.
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          containers: [
            {
              name: 'kaniko',
              image: settings.kanikoImage,
              args: kanikoArgs(build, settings),
              terminationMessagePolicy: 'File',
              resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '6Gi' } },
              ...(secret === undefined
                ? {}
                : {
                    volumeMounts: [
                      { name: 'registry-credentials', mountPath: KANIKO_DOCKER_CONFIG_DIR, readOnly: true },
                    ],
                  }),
            },
          ],
          ...(secret === undefined
            ? {}
            : {
                volumes: [
                  {
                    name: 'registry-credentials',
                    secret: {
                      secretName: secret,
                      items: [{ key: '.dockerconfigjson', path: 'config.json' }],
                    },
                  },
                ],
              }),
        },
      },
    },
  };
}
