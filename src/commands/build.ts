import { Flags } from '@oclif/core';
import type { V1Job } from '@kubernetes/client-node';
import { parseDurationSeconds } from '../core/duration.js';
import { buildFromFlags, readBuildFile } from '../cluster/build-spec.js';
import { buildWaitSeconds, runBuilds, type BuiltImage } from '../cluster/kaniko-build.js';
import { DEFAULT_KANIKO_IMAGE, kanikoJob, type KanikoSettings } from '../cluster/kaniko-job.js';
import { openClusterSession } from '../cluster/cluster-session.js';
import { checkNamespace } from '../cluster/manifests/render-options.js';
import { UsageError } from '../core/errors.js';
import type { WatchStats } from '../cluster/watch-collection.js';
import { RescapeCommand } from '../cli/base-command.js';
import { clusterFlags, dryRunObjects, kubeconfigChoice } from '../cli/cluster-flags.js';
import { kanikoFlags, kanikoSettingsOf } from '../cli/build-flags.js';

export type BuildResult =
  | { dryRun: true; namespace: string; kanikoImage: string; objects: V1Job[] }
  | {
      dryRun: false;
      namespace: string;
      context: string;
      server: string;
      kanikoImage: string;
      images: BuiltImage[];
      waited: boolean;
      watch: WatchStats;
      seconds: number;
    };

export default class Build extends RescapeCommand {
  static override summary = 'Build and push container images in the cluster with Kaniko Jobs.';
  static override description = `Runs one Kubernetes Job per image with the Kaniko executor: it fetches the build context itself (git://, https:// tar.gz, gs://, s3://, dir:// — not a directory on this machine), builds the Dockerfile, and pushes to the destination with registry-side layer caching (--no-cache to turn it off, --cache-repo to choose where). Images come from --file (YAML, below) or from --build-context/--dockerfile/--destination.

The registry credential is a docker config.json Secret you create in the namespace (kubectl create secret docker-registry <name> --docker-server=… or --from-file=.dockerconfigjson=…) and name with --registry-secret: it is mounted at /kaniko/.docker and never passed as an argument or printed. Each Job has one attempt and a deadline (--timeout); a failed build prints the executor's last log lines.

The original Kaniko (gcr.io/kaniko-project/executor) was archived by Google in June 2025; the default image is the maintained community fork's, ${DEFAULT_KANIKO_IMAGE} (osscontainertools/kaniko), pinned; --kaniko-image overrides it.

Build file:
  images:
    - name: social-network
      context: git://github.com/delimitrou/DeathStarBench.git#refs/heads/master
      contextSubPath: socialNetwork
      dockerfile: Dockerfile
      destination: registry.example.com/rescape/social-network-microservices:latest
      buildArgs: { NUM_CPUS: "4" }`;

  static override examples = [
    '<%= config.bin %> build --file images.yaml --namespace builds --registry-secret regcred',
    '<%= config.bin %> build --build-context git://github.com/delimitrou/DeathStarBench.git --context-sub-path hotelReservation --destination registry.example.com/rescape/hotel-reservation:0.1 --registry-secret regcred',
    '<%= config.bin %> build --file images.yaml --dry-run',
  ];

  static override flags = {
    ...clusterFlags,
    namespace: Flags.string({
      char: 'n',
      default: 'default',
      description: 'Namespace to run the build Jobs in.',
    }),
    file: Flags.string({
      char: 'f',
      description: 'YAML file listing the images to build.',
      exclusive: ['build-context'],
    }),
    'build-context': Flags.string({
      description: 'Kaniko build context of one image (git://…, https://….tar.gz, gs://…, s3://…).',
    }),
    'context-sub-path': Flags.string({ description: 'Sub-directory of the build context.' }),
    dockerfile: Flags.string({ default: 'Dockerfile', description: 'Dockerfile path within the context.' }),
    destination: Flags.string({ description: 'Image to push, registry/repository:tag.' }),
    name: Flags.string({
      description: 'Name of the image build (default: the last part of its repository).',
    }),
    'build-arg': Flags.string({
      multiple: true,
      default: [],
      description: 'KEY=VALUE build argument (repeatable; not for secrets).',
    }),
    target: Flags.string({ description: 'Multi-stage build target.' }),
    ...kanikoFlags,
    timeout: Flags.string({
      default: '30m',
      description: 'Deadline of each build Job, and of the wait for all of them.',
    }),
    wait: Flags.boolean({ default: true, allowNo: true, description: 'Wait for the builds to finish.' }),
  };

  async run(): Promise<BuildResult> {
    const { flags } = await this.parse(Build);
    checkNamespace(flags.namespace);
    const builds =
      flags.file !== undefined
        ? readBuildFile(flags.file)
        : flags['build-context'] !== undefined || flags.destination !== undefined
          ? [
              buildFromFlags({
                ...(flags.name === undefined ? {} : { name: flags.name }),
                ...(flags['build-context'] === undefined ? {} : { context: flags['build-context'] }),
                ...(flags['context-sub-path'] === undefined
                  ? {}
                  : { contextSubPath: flags['context-sub-path'] }),
                dockerfile: flags.dockerfile,
                ...(flags.destination === undefined ? {} : { destination: flags.destination }),
                buildArgs: flags['build-arg'],
                ...(flags.target === undefined ? {} : { target: flags.target }),
              }),
            ]
          : noBuilds();
    const timeoutSeconds = parseDurationSeconds('timeout', flags.timeout);
    const settings: KanikoSettings = {
      namespace: flags.namespace,
      ...kanikoSettingsOf(flags, timeoutSeconds),
    };
    if (flags['dry-run']) {
      const objects = dryRunObjects(
        (t) => this.log(t),
        builds.map((build) => kanikoJob(build, settings)),
      );
      return { dryRun: true, namespace: flags.namespace, kanikoImage: settings.kanikoImage, objects };
    }
    const session = await openClusterSession(kubeconfigChoice(flags));
    const outcome = await runBuilds(
      session.client,
      { builds, settings, wait: flags.wait, timeoutSeconds: buildWaitSeconds(timeoutSeconds) },
      { signal: this.signal, onProgress: this.progress() },
    );
    for (const image of outcome.images) {
      this.log(
        `${image.status === 'succeeded' ? 'Built' : 'Submitted'} ${image.destination}${image.digest === null ? '' : `@${image.digest}`} (Job ${image.job})`,
      );
    }
    return {
      dryRun: false,
      namespace: flags.namespace,
      ...session.summary(),
      kanikoImage: settings.kanikoImage,
      images: outcome.images,
      waited: flags.wait,
      watch: outcome.watch,
    };
  }
}

function noBuilds(): never {
  throw new UsageError('nothing to build', {
    suggestion: 'Give --file <images.yaml>, or --build-context and --destination for one image.',
  });
}
