// The one door to the Kubernetes API: server-side apply, get, list, delete, watch and pod logs through
// @kubernetes/client-node, with transient failures (429, 5xx, dropped connections) retried with backoff and
// every failure turned into a typed, redacted error (kube-errors.ts). Objects are addressed generically
// (KubernetesObjectApi + API discovery), so manifests of any kind the cluster serves can be applied.
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  PortForward,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { Socket } from 'node:net';
import pRetry from 'p-retry';
import {
  isNotFound,
  isRetryable,
  translateKubeError,
  type KubeRequest,
  type KubeTarget,
  type KubeVerb,
} from './kube-errors.js';
import { loadKubeconfig, type KubeconfigChoice, type LoadedKubeconfig } from './kubeconfig.js';
import { groupOf, type ObjectRef } from './object-ref.js';
import { Redactor } from './secret-redaction.js';

/** The field manager of every apply: what `kubectl get -o yaml --show-managed-fields` shows as the owner. */
export const FIELD_MANAGER = 'rescape';

export interface KubeClientOptions {
  /** Retries after the first attempt for transient failures (default 3). */
  retries?: number;
  /** First backoff delay, doubled each retry up to 10× (default 250 ms). */
  retryMinDelayMs?: number;
}

export interface ResourceInfo {
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  group: string;
  namespaced: boolean;
}

export interface ListResult<T extends KubernetesObject = KubernetesObject> {
  items: T[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandlers {
  onEvent: (type: WatchEventType, object: KubernetesObject) => void;
  /** The stream ended: null when the server closed it, else why it failed (already translated). */
  onDone: (error: Error | null) => void;
}

/**
 * KubernetesObjectApi with the two things rescape needs that it keeps protected: the collection path of a kind
 * (for watches) and the HTTP status of the last answer (201 tells a create from an update on apply).
 */
class DiscoveringObjectApi extends KubernetesObjectApi {
  lastStatus = 0;

  async collectionPath(apiVersion: string, kind: string, namespace: string | undefined): Promise<string> {
    return this.specUriPath(
      { apiVersion, kind, metadata: namespace === undefined ? {} : { namespace } },
      'list',
    );
  }

  async resourceInfo(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const found = await this.resource(apiVersion, kind);
    return found === undefined
      ? undefined
      : { resource: found.name, group: groupOf(apiVersion), namespaced: found.namespaced };
  }

  protected override processResponse<T extends KubernetesObject>(
    response: ResponseContext,
    type?: string,
  ): Promise<T> {
    this.lastStatus = response.httpStatusCode;
    return super.processResponse<T>(response, type);
  }
}

export class KubeClient {
  readonly server: string;
  readonly context: string;
  readonly redactor: Redactor;
  private readonly kubeConfig: KubeConfig;
  private readonly objects: DiscoveringObjectApi;
  private readonly core: CoreV1Api;
  private readonly retries: number;
  private readonly retryMinDelayMs: number;
  private readonly resources = new Map<string, ResourceInfo>();

  private constructor(loaded: LoadedKubeconfig, redactor: Redactor, options: KubeClientOptions) {
    this.kubeConfig = loaded.kubeConfig;
    this.server = loaded.server;
    this.context = loaded.context;
    this.redactor = redactor;
    this.objects = loaded.kubeConfig.makeApiClient(DiscoveringObjectApi);
    this.core = loaded.kubeConfig.makeApiClient(CoreV1Api);
    this.retries = options.retries ?? 3;
    this.retryMinDelayMs = options.retryMinDelayMs ?? 250;
  }

  /**
   * A client for the loaded context. Its Redactor knows every credential the context sends: the kubeconfig's
   * token, password and key, and the Authorization header an exec or auth-provider plugin computes.
   */
  static async create(loaded: LoadedKubeconfig, options: KubeClientOptions = {}): Promise<KubeClient> {
    const user = loaded.kubeConfig.getCurrentUser();
    let redactor = new Redactor([
      user?.token,
      user?.password,
      user?.keyData,
      ...Object.values((user?.authProvider as { config?: Record<string, string> } | undefined)?.config ?? {}),
    ]);
    const target: KubeTarget = { server: loaded.server, context: loaded.context, redactor };
    try {
      const applied: { headers?: Record<string, unknown> } = {};
      await loaded.kubeConfig.applyToHTTPSOptions(applied);
      const authorization = applied.headers?.Authorization ?? applied.headers?.authorization;
      if (typeof authorization === 'string') {
        redactor = redactor.with([authorization, authorization.replace(/^\S+\s+/, '')]);
      }
    } catch (error) {
      // An exec plugin or token file that fails is reported once, redacted, before any request is made.
      throw translateKubeError(error, { verb: 'get', kind: 'credentials' }, target);
    }
    return new KubeClient(loaded, redactor, options);
  }

  /** Loads the kubeconfig (kubeconfig.ts) and makes a client for its context. */
  static async connect(choice: KubeconfigChoice, options: KubeClientOptions = {}): Promise<KubeClient> {
    return KubeClient.create(loadKubeconfig(choice), options);
  }

  private get target(): KubeTarget {
    return { server: this.server, context: this.context, redactor: this.redactor };
  }

  /**
   * Plural resource, group and scope of a kind, from the API server's discovery (cached). A failure is reported
   * as a failure of `forRequest`, the request discovery was made for.
   */
  async resourceInfo(apiVersion: string, kind: string, forRequest?: KubeRequest): Promise<ResourceInfo> {
    const key = `${apiVersion}|${kind}`;
    const cached = this.resources.get(key);
    if (cached !== undefined) return cached;
    const info = await this.call(
      forRequest ?? { verb: 'get', kind: `${apiVersion} ${kind} (API discovery)` },
      async () => {
        const unserved = new Error(`Unrecognized API version and kind: ${apiVersion} ${kind}`);
        // A group version the server does not have at all answers discovery with 404.
        const found = await this.objects.resourceInfo(apiVersion, kind).catch((error: unknown) => {
          throw (error as { code?: unknown }).code === 404 ? unserved : error;
        });
        if (found === undefined) throw unserved;
        return found;
      },
    );
    this.resources.set(key, info);
    return info;
  }

  /**
   * Server-side apply of one object with field manager "rescape": creates it or merges it. `force` takes over
   * fields another manager owns (otherwise that is a 409 conflict). Not safe to run concurrently on one client:
   * `created` is read from the HTTP status of the answer.
   */
  async apply(
    object: KubernetesObject,
    force: boolean,
  ): Promise<{ object: KubernetesObject; created: boolean }> {
    const ref = refFrom(object);
    return this.call(await this.request('patch', ref), async () => {
      const answer = await this.objects.patch(
        object,
        undefined,
        undefined,
        FIELD_MANAGER,
        force ? true : undefined,
        PatchStrategy.ServerSideApply,
      );
      return { object: answer, created: this.objects.lastStatus === 201 };
    });
  }

  /** The object, or null when it does not exist. */
  async get(ref: ObjectRef): Promise<KubernetesObject | null> {
    try {
      return await this.call(await this.request('get', ref), () =>
        this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: metadataOf(ref) }),
      );
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async list<T extends KubernetesObject = KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<ListResult<T>> {
    const request = await this.request('list', {
      apiVersion,
      kind,
      ...(namespace === undefined ? {} : { namespace }),
    });
    const answer = await this.call(request, () =>
      this.objects.list<T>(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      ),
    );
    return { items: answer.items, resourceVersion: answer.metadata?.resourceVersion ?? '' };
  }

  /** Deletes with the given propagation; "already-gone" when it did not exist (a NotFound is no failure here). */
  async delete(
    ref: ObjectRef,
    propagationPolicy: 'Foreground' | 'Background',
  ): Promise<'deleted' | 'already-gone'> {
    try {
      await this.call(await this.request('delete', ref), () =>
        this.objects.delete(
          { apiVersion: ref.apiVersion, kind: ref.kind, metadata: metadataOf(ref) },
          undefined,
          undefined,
          undefined,
          undefined,
          propagationPolicy,
        ),
      );
      return 'deleted';
    } catch (error) {
      if (isNotFound(error)) return 'already-gone';
      throw error;
    }
  }

  /**
   * Opens a watch on a collection from `resourceVersion` (chunked stream of ADDED/MODIFIED/DELETED/BOOKMARK/ERROR
   * events). Resolves to a function that closes it. The stream is not retried here: watch-collection.ts
   * re-establishes it, re-listing after 410 Gone.
   */
  async watch(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    resourceVersion: string,
    handlers: WatchHandlers,
    options: { labelSelector?: string; timeoutSeconds?: number } = {},
  ): Promise<() => void> {
    const ref = { apiVersion, kind, ...(namespace === undefined ? {} : { namespace }) };
    const request = await this.request('watch', ref);
    const path = await this.call(request, () => this.objects.collectionPath(apiVersion, kind, namespace));
    const controller = await new Watch(this.kubeConfig).watch(
      path,
      {
        resourceVersion,
        allowWatchBookmarks: true,
        labelSelector: options.labelSelector,
        timeoutSeconds: options.timeoutSeconds,
      },
      (type, object) => handlers.onEvent(type as WatchEventType, object as KubernetesObject),
      (error: unknown) => {
        const aborted = (error as { name?: string } | null)?.name === 'AbortError';
        handlers.onDone(
          error === null || error === undefined || aborted
            ? null
            : translateKubeError(error, request, this.target),
        );
      },
    );
    return () => controller.abort();
  }

  /** The last `tailLines` lines of a container's log ("" when there is none yet). */
  async podLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    tailLines: number,
  ): Promise<string> {
    const request: KubeRequest = {
      verb: 'get',
      kind: 'Pod log',
      resource: 'pods/log',
      group: '',
      namespace,
      name: pod,
    };
    const text = await this.call(request, () =>
      this.core.readNamespacedPodLog({
        name: pod,
        namespace,
        ...(container === undefined ? {} : { container }),
        tailLines,
      }),
    );
    return this.redactor.redact(typeof text === 'string' ? text : String(text));
  }

  /**
   * Connects one local socket to `port` of a pod through the API server (a WebSocket upgrade of
   * pods/portforward). The socket is closed when the pod side closes; errors are redacted.
   */
  async portForward(namespace: string, pod: string, port: number, socket: Socket): Promise<void> {
    const request: KubeRequest = {
      verb: 'get',
      kind: 'Pod port-forward',
      resource: 'pods/portforward',
      group: '',
      namespace,
      name: pod,
    };
    try {
      await new PortForward(this.kubeConfig).portForward(namespace, pod, [port], socket, null, socket);
    } catch (error) {
      throw translateKubeError(error, request, this.target);
    }
  }

  /** What a failing request is called in messages, with its plural resource when discovery already knows it. */
  private async request(
    verb: KubeVerb,
    ref: Partial<ObjectRef> & { apiVersion: string; kind: string },
  ): Promise<KubeRequest> {
    const request: KubeRequest = {
      verb,
      kind: ref.kind,
      ...(ref.namespace === undefined ? {} : { namespace: ref.namespace }),
      ...(ref.name === undefined ? {} : { name: ref.name }),
    };
    const known = await this.resourceInfo(ref.apiVersion, ref.kind, request);
    return { ...request, resource: known.resource, group: known.group };
  }

  /** Runs one API call with retries of transient failures; what finally fails is a typed, redacted error. */
  private call<T>(request: KubeRequest, run: () => Promise<T>): Promise<T> {
    return pRetry(
      async () => {
        try {
          return await run();
        } catch (error) {
          throw translateKubeError(error, request, this.target);
        }
      },
      {
        retries: this.retries,
        minTimeout: this.retryMinDelayMs,
        maxTimeout: this.retryMinDelayMs * 10,
        shouldRetry: (error) => isRetryable(error),
      },
    );
  }
}

function refFrom(object: KubernetesObject): ObjectRef {
  return {
    apiVersion: object.apiVersion ?? 'v1',
    kind: object.kind ?? '',
    ...(object.metadata?.namespace === undefined ? {} : { namespace: object.metadata.namespace }),
    name: object.metadata?.name ?? '',
  };
}

function metadataOf(ref: ObjectRef): { name: string; namespace?: string } {
  return ref.namespace === undefined ? { name: ref.name } : { name: ref.name, namespace: ref.namespace };
}
