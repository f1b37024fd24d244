// Finds and loads the kubeconfig the way kubectl does: --kubeconfig, else the files in KUBECONFIG (merged,
// first wins), else ~/.kube/config, else the pod's ServiceAccount when running in a cluster; then selects
// --context or the current context. Unlike client-node's loadFromDefault it never falls back to
// http://localhost:8080: finding nothing, or a context that does not exist, is a UsageError that lists what
// there is. Nothing here contacts the cluster.
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DataError, UsageError } from '../core/errors.js';

export interface KubeconfigChoice {
  /** --kubeconfig: one file, used alone. */
  kubeconfig?: string;
  /** --context: a context name in the loaded configuration. */
  context?: string;
}

/** Where the configuration is looked for; tests replace the process' environment and home. */
export interface KubeconfigEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir: string | undefined;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount (tests point it at a temporary directory). */
  serviceAccountPrefix: string;
}

export interface LoadedKubeconfig {
  kubeConfig: KubeConfig;
  /** What was loaded, for messages: a path, "KUBECONFIG=a:b", or "in-cluster ServiceAccount". */
  source: string;
  context: string;
  /** The API server URL of the context's cluster (carries no credentials). */
  server: string;
  /** The context's default namespace, if it sets one. */
  namespace: string | undefined;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function processEnvironment(): KubeconfigEnvironment {
  let homeDir: string | undefined;
  try {
    homeDir = process.env.HOME ?? homedir();
  } catch {
    homeDir = undefined;
  }
  return { env: process.env, homeDir, serviceAccountPrefix: '' };
}

export function loadKubeconfig(
  choice: KubeconfigChoice,
  environment: KubeconfigEnvironment = processEnvironment(),
): LoadedKubeconfig {
  const { kubeConfig, source } = loadConfiguration(choice, environment);
  const contexts = kubeConfig.getContexts();
  const contextName = choice.context ?? kubeConfig.getCurrentContext();
  if (contexts.length === 0) {
    throw new UsageError(`${source} defines no context`, {
      suggestion: 'Point --kubeconfig at the kubeconfig of your cluster (e.g. the one your provider writes).',
    });
  }
  const available = contexts.map((context) => context.name).join(', ');
  if (contextName === undefined || contextName === '') {
    throw new UsageError(`${source} sets no current-context`, {
      suggestion: `Choose one with --context: ${available}.`,
    });
  }
  const context = kubeConfig.getContextObject(contextName);
  if (context === null) {
    throw new UsageError(`context "${contextName}" is not in ${source}`, {
      suggestion: `Use one of its contexts with --context: ${available}.`,
    });
  }
  kubeConfig.setCurrentContext(contextName);
  const cluster = kubeConfig.getCluster(context.cluster);
  if (cluster === null) {
    throw new DataError(`context "${contextName}" names cluster "${context.cluster}", which is not defined`, {
      file: source,
      field: `contexts[${contextName}].cluster`,
    });
  }
  return { kubeConfig, source, context: contextName, server: cluster.server, namespace: context.namespace };
}

function loadConfiguration(
  choice: KubeconfigChoice,
  environment: KubeconfigEnvironment,
): { kubeConfig: KubeConfig; source: string } {
  if (choice.kubeconfig !== undefined) {
    if (!existsSync(choice.kubeconfig)) {
      throw new UsageError(`--kubeconfig ${choice.kubeconfig}: no such file`, {
        suggestion: 'Give the path of an existing kubeconfig file.',
      });
    }
    return { kubeConfig: fromFiles([choice.kubeconfig]), source: choice.kubeconfig };
  }
  const listed = environment.env.KUBECONFIG;
  if (listed !== undefined && listed !== '') {
    const files = listed.split(delimiter).filter((file) => file !== '');
    // Like kubectl: missing files in the list are skipped, but the list is not abandoned for ~/.kube/config.
    const present = files.filter((file) => existsSync(file));
    if (present.length === 0) {
      throw new UsageError(`KUBECONFIG=${listed} names no existing file`, {
        suggestion: 'Fix KUBECONFIG, unset it to use ~/.kube/config, or give --kubeconfig.',
      });
    }
    return { kubeConfig: fromFiles(present), source: `KUBECONFIG=${present.join(delimiter)}` };
  }
  const home = environment.homeDir === undefined ? undefined : join(environment.homeDir, '.kube', 'config');
  if (home !== undefined && existsSync(home)) return { kubeConfig: fromFiles([home]), source: home };
  const host = environment.env.KUBERNETES_SERVICE_HOST;
  if (
    host !== undefined &&
    host !== '' &&
    existsSync(environment.serviceAccountPrefix + SERVICE_ACCOUNT_TOKEN)
  ) {
    const kubeConfig = new KubeConfig();
    // loadFromCluster reads KUBERNETES_SERVICE_HOST/PORT from process.env itself.
    kubeConfig.loadFromCluster(environment.serviceAccountPrefix);
    return { kubeConfig, source: 'in-cluster ServiceAccount' };
  }
  throw new UsageError('no Kubernetes configuration found', {
    suggestion: `Give --kubeconfig <file>, set KUBECONFIG, or create ${home ?? '~/.kube/config'} (or run inside a cluster with a ServiceAccount).`,
  });
}

/** Merges kubeconfig files as kubectl does: the first file to define a name, or a current-context, wins. */
function fromFiles(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext: string | undefined;
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new DataError(
        `not a valid kubeconfig: ${(error as Error).message}`,
        { file },
        {
          suggestion:
            'Fix the file (kubectl config view shows how kubectl reads it) or point at another one.',
        },
      );
    }
    for (const cluster of one.getClusters())
      if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of one.getUsers()) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of one.getContexts())
      if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (currentContext === undefined && one.getCurrentContext()) currentContext = one.getCurrentContext();
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}
