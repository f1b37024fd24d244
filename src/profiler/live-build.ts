// `rescape profile --cluster kubernetes --build FILE`: the images of a build file (build-spec.ts, the format of
// `rescape build --file`) are built with the same Kaniko Jobs as `rescape build` (kaniko-build.ts), in the
// profile's namespace, and waited for before anything of the benchmark is applied; the deploy then pulls from
// the registry they were pushed to.
//
// The rule that ties a build to the deploy: `--registry R` moves every image of the benchmark's manifests to
// R/<its repository path>:<tag> (docker.io/deathstarbench/hotel-reservation:latest →
// R/deathstarbench/hotel-reservation:latest), so a built image is used only when its destination is exactly one
// of those references. Without --registry, R is derived from the destinations: the prefix left when the
// manifests' repository path and tag are taken off the end, the same for every image. A destination the deploy
// would never pull (another path, another tag, another registry) is a UsageError naming the image and where to
// push it — found before anything is contacted, since a build that is not used only costs cluster time.
import type { KubernetesObject } from '@kubernetes/client-node';
import { UsageError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import { readBuildFile } from '../cluster/build-spec.js';
import { buildWaitSeconds, runBuilds, type BuiltImage } from '../cluster/kaniko-build.js';
import type { ImageBuild, KanikoSettings } from '../cluster/kaniko-job.js';
import type { KubeClient } from '../cluster/kube-client.js';
import { renderDeploy } from '../cluster/deploy-benchmark.js';
import { relocateImage } from '../cluster/manifests/image-registry.js';
import { checkRegistry } from '../cluster/manifests/render-options.js';
import { ensureNamespace, namespaceObject } from '../cluster/server-side-apply.js';
import type { DeployableBenchmark } from '../cluster/manifest-set.js';

export interface LiveBuildOptions {
  /** The build file (build-spec.ts). */
  file: string;
  /** The Kaniko Jobs' settings but their namespace (the profile's). */
  kaniko: Omit<KanikoSettings, 'namespace'>;
}

/** What the profile builds before it deploys, and the registry the deploy then pulls from. */
export interface LiveBuildPlan {
  builds: ImageBuild[];
  settings: KanikoSettings;
  registry: string;
}

/** Reads the build file and applies the rule above; throws before any I/O beyond reading the file. */
export function planLiveBuild(
  options: LiveBuildOptions,
  target: { benchmark: DeployableBenchmark; namespace: string; registry?: string },
): LiveBuildPlan {
  const builds = readBuildFile(options.file);
  const paths = pulledPaths(target.benchmark, target.namespace);
  const registries = builds.map((build) => ({ build, registry: registryOf(build.destination, paths) }));
  const wanted = target.registry === undefined ? undefined : checkRegistry(target.registry);
  const where = `--build ${options.file}`;
  for (const { build, registry } of registries) {
    if (registry !== undefined && (wanted === undefined || registry === wanted)) continue;
    const expected = `${wanted ?? '<registry>'}/${likelyPath(build.destination, paths)}`;
    throw new UsageError(
      registry === undefined
        ? `${where}: image "${build.name}" is pushed to ${build.destination}, which the ${target.benchmark} deploy never pulls`
        : `${where}: image "${build.name}" is pushed to ${build.destination}, but the deploy pulls from --registry ${wanted}`,
      {
        suggestion:
          registry === undefined
            ? `Set its destination to ${expected}: the deploy pulls each image of manifests/ from <registry>/<its repository path>:<tag> (${target.benchmark}: ${[...new Set(paths)].filter(isNotOfficial).join(', ')}).`
            : `Set its destination to ${expected}, or give --registry ${registry} (or leave --registry out: it is derived from the destinations).`,
      },
    );
  }
  const first = registries[0]!;
  const other = registries.find((entry) => entry.registry !== first.registry);
  if (other !== undefined) {
    throw new UsageError(
      `${where}: images "${first.build.name}" and "${other.build.name}" are pushed under different registries (${first.registry} and ${other.registry}); the deploy pulls every image from one`,
      {
        suggestion: `Push every image under one registry prefix, e.g. ${first.build.destination} and ${first.registry}/${likelyPath(other.build.destination, paths)}.`,
      },
    );
  }
  return {
    builds,
    settings: { ...options.kaniko, namespace: target.namespace },
    registry: first.registry!,
  };
}

/** Builds every image of the plan and waits for them; a failed build is a ClusterError with the executor's log. */
export async function buildImages(
  client: KubeClient,
  plan: LiveBuildPlan,
  deps: { signal: AbortSignal; onProgress?: ProgressListener },
): Promise<BuiltImage[]> {
  // The Jobs run in the profile's namespace, which the deploy would create only after them (the same Namespace
  // object: ensuring it twice changes nothing).
  await ensureNamespace(client, namespaceObject(plan.settings.namespace), false);
  const outcome = await runBuilds(
    client,
    {
      builds: plan.builds,
      settings: plan.settings,
      wait: true,
      timeoutSeconds: buildWaitSeconds(plan.settings.deadlineSeconds),
    },
    deps,
  );
  return outcome.images;
}

/** The images the benchmark's deploy pulls, as paths under a registry: "deathstarbench/hotel-reservation:latest". */
function pulledPaths(benchmark: DeployableBenchmark, namespace: string): string[] {
  const objects = renderDeploy({
    benchmark,
    namespace,
    forceConflicts: false,
    wait: false,
    timeoutSeconds: 0,
  });
  return objects.flatMap(imagesOf).map((image) => relocateImage(image, '').slice(1));
}

function imagesOf(object: KubernetesObject): string[] {
  const pod = (object as { spec?: { template?: { spec?: PodImages } } }).spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((container) => container.image);
}

interface PodImages {
  containers?: { image: string }[];
  initContainers?: { image: string }[];
}

/** The registry prefix under which `destination` is one of the pulled images; undefined when it is none. */
function registryOf(destination: string, paths: string[]): string | undefined {
  const path = paths
    .filter((candidate) => destination.endsWith(`/${candidate}`))
    .sort((a, b) => b.length - a.length)[0];
  return path === undefined ? undefined : destination.slice(0, -(path.length + 1));
}

/**
 * The pulled image a destination was most likely meant to be: the same repository name, else one whose name
 * contains it or is contained in it (social-network → social-network-microservices), else the first not official.
 */
function likelyPath(destination: string, paths: string[]): string {
  const name = repositoryName(destination);
  const related = (path: string): boolean => {
    const other = repositoryName(path);
    return other.includes(name) || name.includes(other);
  };
  return (
    paths.find((path) => repositoryName(path) === name) ??
    paths.find(related) ??
    paths.find(isNotOfficial) ??
    paths[0] ??
    destination
  );
}

/** The last repository component, without tag or digest. */
function repositoryName(reference: string): string {
  const repository = reference.split('@')[0]!.replace(/:[\w][\w.-]*$/, '');
  return repository.split('/').at(-1) ?? repository;
}

/** Docker Hub's official images (library/…: MongoDB, Redis, …) are mirrored, not built: left out of suggestions. */
function isNotOfficial(path: string): boolean {
  return !path.startsWith('library/');
}
