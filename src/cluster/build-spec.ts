// What `rescape build` builds: a small YAML file listing images, or one image from flags. Checked before
// anything is sent: names are DNS labels (they name Jobs), contexts are something Kaniko fetches itself
// (a local directory is not uploaded, so it is refused with a way out), destinations are image references.
// A bad entry is a DataError naming the file, line and field.
//
//   images:
//     - name: social-network
//       context: git://github.com/delimitrou/DeathStarBench.git#refs/heads/master
//       contextSubPath: socialNetwork
//       dockerfile: docker/thrift-microservice-deps/cpp/Dockerfile
//       destination: registry.example.com/rescape/social-network-microservices:latest
//       buildArgs: { NUM_CPUS: "4" }
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { DataError, UsageError } from '../core/errors.js';
import type { ImageBuild } from './kaniko-job.js';

const CONTEXT_SCHEMES = ['git://', 'gs://', 's3://', 'https://', 'http://', 'dir://', 'tar://', 'az://'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** registry[:port]/path[:tag][@digest], loosely: enough to catch a path or a URL given by mistake. */
const IMAGE_REFERENCE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/i;
const FIELDS = ['name', 'context', 'contextSubPath', 'dockerfile', 'destination', 'buildArgs', 'target'];

/** Why a build is wrong, or undefined: shared by the file and the flags. */
export function problemOf(
  build: Partial<ImageBuild>,
): { field: string; message: string; suggestion: string } | undefined {
  if (build.name === undefined || !DNS_LABEL.test(build.name) || build.name.length > 49) {
    return {
      field: 'name',
      message: `name "${build.name ?? ''}" is not a DNS label of at most 49 characters`,
      suggestion: 'Use lower-case letters, digits and dashes, e.g. social-network.',
    };
  }
  if (build.context === undefined || !CONTEXT_SCHEMES.some((scheme) => build.context!.startsWith(scheme))) {
    return {
      field: 'context',
      message: `context "${build.context ?? ''}" is not something Kaniko can fetch`,
      suggestion: `Use a git://, https:// (tar.gz), gs://, s3:// or dir:// context: Kaniko runs in the cluster and cannot read a directory on this machine (push it to git or a bucket first).`,
    };
  }
  if (build.dockerfile === undefined || build.dockerfile.trim() === '') {
    return {
      field: 'dockerfile',
      message: 'dockerfile is empty',
      suggestion: 'Give the Dockerfile path relative to the context, e.g. Dockerfile.',
    };
  }
  if (build.destination === undefined || !IMAGE_REFERENCE.test(build.destination)) {
    return {
      field: 'destination',
      message: `destination "${build.destination ?? ''}" is not an image reference`,
      suggestion:
        'Write it as registry/repository:tag, e.g. registry.example.com/rescape/social-network:0.1.',
    };
  }
  return undefined;
}

/** One build from flags; a UsageError names the flag. */
export function buildFromFlags(flags: {
  name?: string;
  context?: string;
  contextSubPath?: string;
  dockerfile: string;
  destination?: string;
  buildArgs: string[];
  target?: string;
}): ImageBuild {
  const name = flags.name ?? (flags.destination === undefined ? undefined : defaultName(flags.destination));
  const build: Partial<ImageBuild> = {
    ...(name === undefined ? {} : { name }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.contextSubPath === undefined ? {} : { contextSubPath: flags.contextSubPath }),
    dockerfile: flags.dockerfile,
    ...(flags.destination === undefined ? {} : { destination: flags.destination }),
    ...(flags.buildArgs.length === 0 ? {} : { buildArgs: parseBuildArgs(flags.buildArgs) }),
    ...(flags.target === undefined ? {} : { target: flags.target }),
  };
  const problem = problemOf(build);
  if (problem !== undefined) {
    const flag =
      ({ contextSubPath: 'context-sub-path', context: 'build-context' } as Record<string, string>)[
        problem.field
      ] ?? problem.field;
    throw new UsageError(`--${flag}: ${problem.message}`, { suggestion: problem.suggestion });
  }
  return build as ImageBuild;
}

/** The builds of a YAML file (see the top of this file). */
export function readBuildFile(file: string): ImageBuild[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        suggestion: 'Give the path of an existing build file.',
      },
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  /** The error location of a node: the file, its line, and the field. */
  const at = (
    node: Node | null | undefined,
    field: string,
  ): { file: string; line?: number; field: string } =>
    node?.range === undefined || node.range === null
      ? { file, field }
      : { file, line: lines.linePos(node.range[0]).line, field };
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new DataError(
      `not valid YAML: ${first.message.split('\n')[0]}`,
      line === undefined ? { file } : { file, line },
    );
  }
  const images = isMap(document.contents) ? document.contents.get('images', true) : undefined;
  if (!isSeq(images) || images.items.length === 0) {
    throw new DataError('no images listed', at(document.contents as Node | null, 'images'), {
      suggestion: 'List the images under a top-level "images:" key (see rescape build --help).',
    });
  }
  const builds = images.items.map((item, index) => {
    const node = item as Node;
    const value = (node as { toJSON?: () => unknown }).toJSON?.() as Record<string, unknown> | undefined;
    const field = (name: string): string => `images[${index}].${name}`;
    if (!isMap(node) || typeof value !== 'object' || value === null) {
      throw new DataError('an image entry must be a mapping', at(node, `images[${index}]`));
    }
    const unknown = Object.keys(value).find((key) => !FIELDS.includes(key));
    if (unknown !== undefined) {
      throw new DataError(`unknown field "${unknown}"`, at(node.get(unknown, true) as Node, field(unknown)), {
        suggestion: `The fields are: ${FIELDS.join(', ')}.`,
      });
    }
    const build = { dockerfile: 'Dockerfile', ...value } as Partial<ImageBuild>;
    const problem = problemOf(build) ?? buildArgsProblem(build.buildArgs);
    if (problem !== undefined) {
      const where = (node.get(problem.field, true) as Node | undefined) ?? node;
      throw new DataError(problem.message, at(where, field(problem.field)), {
        suggestion: problem.suggestion,
      });
    }
    return build as ImageBuild;
  });
  const names = new Set<string>();
  for (const [index, build] of builds.entries()) {
    if (names.has(build.name)) {
      throw new DataError(
        `image name "${build.name}" is listed twice`,
        at(images.items[index] as Node, `images[${index}].name`),
        {
          suggestion: 'Give each image its own name: it names the build Job.',
        },
      );
    }
    names.add(build.name);
  }
  return builds;
}

function buildArgsProblem(args: unknown): { field: string; message: string; suggestion: string } | undefined {
  if (args === undefined) return undefined;
  const valid =
    typeof args === 'object' &&
    args !== null &&
    !Array.isArray(args) &&
    Object.values(args).every((v) => typeof v === 'string');
  return valid
    ? undefined
    : {
        field: 'buildArgs',
        message: 'buildArgs must map names to strings',
        suggestion: 'Quote numbers: buildArgs: { NUM_CPUS: "4" }.',
      };
}

/** KEY=VALUE pairs of --build-arg. */
export function parseBuildArgs(pairs: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new UsageError(`--build-arg "${pair}" is not KEY=VALUE`, {
        suggestion: 'Write it as --build-arg NUM_CPUS=4.',
      });
    }
    args[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return args;
}

/** The repository's last path segment, as a name: registry/rescape/social-network:0.1 → social-network. */
function defaultName(destination: string): string {
  const repository = destination.split('@')[0]!.replace(/:[\w][\w.-]*$/, '');
  return (repository.split('/').at(-1) ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '-');
}
