// A local stand-in for the Kubernetes API server on 127.0.0.1 (plain HTTP, bearer token), reached by the real
// @kubernetes/client-node through a real kubeconfig file. It answers the calls rescape makes with the API's
// status codes and Status bodies: discovery, GET/list (label selectors), server-side apply PATCH
// (application/apply-patch+yaml; create-or-merge; 409 on a field another manager owns unless force=true),
// POST, DELETE (propagationPolicy, lingering deletions), pod logs (tailLines), and chunked watch streams
// (newline-delimited ADDED/MODIFIED/DELETED events replayed from a resourceVersion; a too old resourceVersion,
// or expireWatches(), ends the stream with an ERROR event carrying a 410 Expired Status). Tests script it:
// rollouts and Jobs (fake-kube-controllers.ts), 403 for a verb and resource, failures for the next requests,
// dropped watch connections, and a server that echoes the Authorization header into its errors.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { FakeControllers } from './fake-kube-controllers.js';
import { FakePodLogStreams } from './fake-kube-pods.js';
import {
  discoveryDocument,
  failureStatus,
  findResource,
  groupVersionOf,
  qualifiedResource,
  type FakeResource,
} from './fake-kube-resources.js';
import { FakeStore, matchesLabels, metadataOf, type Json, type StoredEvent } from './fake-kube-store.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  /** get, list, watch, patch, create, delete (or "discovery"). */
  verb: string;
  resource: string | undefined;
}

export interface InjectedFailure {
  method?: string;
  /** Fails requests whose path contains this. */
  path?: string;
  status: number;
  reason?: string;
  message?: string;
  /** How many requests to fail (default 1). */
  times?: number;
  /** A misbehaving server: puts the request's Authorization header into the error message. */
  echoAuthorization?: boolean;
}

interface Route {
  resource: FakeResource;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export const FAKE_TOKEN = 'fake-kube-token-5f0c9e1d7a2b4c83';

export class FakeKubeApi {
  readonly store = new FakeStore();
  readonly controllers = new FakeControllers(this.store);
  /** Logs followed with follow=true (fake-kube-pods.ts). */
  readonly podLogStreams = new FakePodLogStreams(this.controllers.podLogs);
  readonly requests: RecordedRequest[] = [];
  /** Watch streams opened so far (each reconnect counts). */
  watchConnections = 0;
  url = '';
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly openWatches = new Set<{ res: ServerResponse; end: (gone: boolean) => void }>();
  private readonly forbidden: { verb: string; resource: string; namespace?: string }[] = [];
  private readonly failures: (InjectedFailure & { left: number })[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly tempDirs: string[] = [];

  static async start(): Promise<FakeKubeApi> {
    const api = new FakeKubeApi();
    api.server.on('connection', (socket) => {
      api.sockets.add(socket);
      socket.on('close', () => api.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  /**
   * Writes a kubeconfig whose current context ("fake") reaches this server with FAKE_TOKEN; `extra` adds
   * contexts (e.g. one pointing at a closed port). Returns its path.
   */
  writeKubeconfig(extra: { name: string; server: string; token?: string }[] = []): string {
    const dir = mkdtempSync(join(tmpdir(), 'rescape-kubeconfig-'));
    this.tempDirs.push(dir);
    const contexts = [{ name: 'fake', server: this.url, token: FAKE_TOKEN }, ...extra];
    const file = join(dir, 'config');
    writeFileSync(
      file,
      stringifyYaml({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'fake',
        // client-node only speaks plain HTTP to a cluster whose TLS verification is off.
        clusters: contexts.map((c) => ({
          name: c.name,
          cluster: { server: c.server, 'insecure-skip-tls-verify': true },
        })),
        users: contexts.map((c) => ({ name: c.name, user: { token: c.token ?? FAKE_TOKEN } })),
        contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: c.name } })),
      }),
    );
    return file;
  }

  /** Answers 403 Forbidden to `verb` on `resource` (plural, e.g. "deployments"), in one namespace or all. */
  forbid(verb: string, resource: string, namespace?: string): void {
    this.forbidden.push({ verb, resource, ...(namespace === undefined ? {} : { namespace }) });
  }

  failNext(failure: InjectedFailure): void {
    this.failures.push({ ...failure, left: failure.times ?? 1 });
  }

  /** Cuts every open watch connection, as a load balancer or an API server restart does. */
  dropWatches(): void {
    for (const watch of [...this.openWatches]) watch.res.socket?.destroy();
  }

  /** Compacts the history and ends every open watch with an ERROR event of code 410 (Expired). */
  expireWatches(): void {
    this.store.compact();
    for (const watch of [...this.openWatches]) watch.end(true);
  }

  get openWatchCount(): number {
    return this.openWatches.size;
  }

  /** Requests with this verb (and resource), e.g. count('list', 'deployments'). */
  count(verb: string, resource?: string): number {
    return this.requests.filter((r) => r.verb === verb && (resource === undefined || r.resource === resource))
      .length;
  }

  async close(): Promise<void> {
    this.controllers.stop();
    for (const watch of [...this.openWatches]) watch.end(false);
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        this.answer(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        fail(res, 500, 'InternalError', `fake API server: ${(error as Error).message}`);
      }
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/?$/.exec(url.pathname);
    const route = discovery === null ? this.route(url.pathname) : undefined;
    const verb = discovery !== null ? 'discovery' : verbOf(method, route?.name, url.searchParams);
    this.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      verb,
      resource: route?.resource.resource,
    });
    if (req.headers.authorization !== `Bearer ${FAKE_TOKEN}`) {
      return fail(res, 401, 'Unauthorized', 'Unauthorized');
    }
    const failure = this.failures.find(
      (f) =>
        f.left > 0 &&
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || url.pathname.includes(f.path)),
    );
    if (failure !== undefined) {
      failure.left -= 1;
      const message = `${failure.message ?? 'injected failure'}${failure.echoAuthorization ? ` (request had authorization: ${req.headers.authorization})` : ''}`;
      return send(
        res,
        failure.status,
        failureStatus(failure.status, failure.reason ?? 'InternalError', message),
      );
    }
    if (discovery !== null) {
      const document = discoveryDocument(
        discovery[1] === undefined ? discovery[2]! : '',
        discovery[1] ?? discovery[3]!,
      );
      return document === undefined
        ? fail(res, 404, 'NotFound', 'the server could not find the requested resource')
        : send(res, 200, document);
    }
    if (route === undefined) {
      return fail(res, 404, 'NotFound', 'the server could not find the requested resource');
    }
    const denied = this.forbidden.find(
      (f) =>
        f.verb === verb &&
        f.resource === route.resource.resource &&
        (f.namespace === undefined || f.namespace === route.namespace),
    );
    if (denied !== undefined) {
      const group = route.resource.group;
      const subject =
        route.name === undefined
          ? qualifiedResource(route.resource)
          : `${qualifiedResource(route.resource)} "${route.name}"`;
      return fail(
        res,
        403,
        'Forbidden',
        `${subject} is forbidden: User "system:serviceaccount:ci:rescape-tester" cannot ${verb} resource "${route.resource.resource}" in API group "${group}"${route.namespace === undefined ? ' at the cluster scope' : ` in the namespace "${route.namespace}"`}`,
        { ...(route.name === undefined ? {} : { name: route.name }), group, kind: route.resource.resource },
      );
    }
    if (route.subresource === 'log') return this.podLog(res, route, url.searchParams);
    switch (verb) {
      case 'watch':
        return this.watch(res, route, url.searchParams);
      case 'list':
        return send(res, 200, {
          kind: `${route.resource.kind}List`,
          apiVersion: groupVersionOf(route.resource),
          metadata: { resourceVersion: this.store.resourceVersion },
          items: this.store.list(
            route.resource,
            route.namespace,
            url.searchParams.get('labelSelector') ?? undefined,
          ),
        });
      case 'get': {
        const object = this.store.get(route.resource, route.namespace, route.name!);
        return object === undefined ? notFound(res, route) : send(res, 200, object);
      }
      case 'patch':
        return this.apply(req, res, route, url.searchParams, body);
      case 'create':
        return this.create(res, route, body);
      case 'delete': {
        const answer = this.controllers.delete(
          route.resource,
          route.namespace,
          route.name!,
          url.searchParams.get('propagationPolicy'),
        );
        return answer === undefined ? notFound(res, route) : send(res, 200, answer);
      }
      default:
        return fail(
          res,
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
    }
  }

  private route(pathname: string): Route | undefined {
    const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(pathname);
    if (match === null) return undefined;
    const group = match[1] === undefined ? match[2]! : '';
    const version = match[1] ?? match[3]!;
    const parts = match[4]!
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const namespaced = parts[0] === 'namespaces' && parts.length >= 3;
    const [plural, name, subresource] = namespaced ? parts.slice(2) : parts;
    const resource = plural === undefined ? undefined : findResource(group, version, plural);
    if (resource === undefined) return undefined;
    return { resource, namespace: namespaced ? parts[1] : undefined, name, subresource };
  }

  private apply(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    query: URLSearchParams,
    body: string,
  ): void {
    if (route.name === undefined) return fail(res, 405, 'MethodNotAllowed', 'PATCH needs an object name');
    if (req.headers['content-type'] !== 'application/apply-patch+yaml') {
      return fail(
        res,
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
      );
    }
    const manager = query.get('fieldManager');
    if (manager === null || manager === '') {
      return fail(
        res,
        400,
        'BadRequest',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const object = parseYaml(body) as Json;
    const meta = metadataOf(object);
    if (meta.name !== route.name) {
      return fail(
        res,
        400,
        'BadRequest',
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${route.name})`,
      );
    }
    if (meta.namespace !== undefined && meta.namespace !== route.namespace) {
      return fail(
        res,
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (!this.namespaceExists(res, route)) return;
    const invalid = validate(route.resource, object);
    if (invalid.length > 0) {
      return fail(
        res,
        422,
        'Invalid',
        `${route.resource.kind}.${route.resource.group || 'core'} "${route.name}" is invalid: ${invalid.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
        {
          name: route.name,
          group: route.resource.group,
          kind: route.resource.kind,
          causes: invalid.map((c) => ({ reason: 'FieldValueRequired', ...c })),
        },
      );
    }
    const outcome = this.store.apply(
      route.resource,
      route.namespace,
      route.name,
      object,
      manager,
      query.get('force') === 'true',
    );
    if (outcome.kind === 'conflict') {
      const apiVersion = groupVersionOf(route.resource);
      const lines = outcome.conflicts.map(
        (c) => `conflict with "${c.managers[0]}" using ${apiVersion}: ${c.path}`,
      );
      return fail(
        res,
        409,
        'Conflict',
        `Apply failed with ${outcome.conflicts.length} conflict${outcome.conflicts.length === 1 ? '' : 's'}: ${lines.join('\n')}`,
        {
          causes: outcome.conflicts.map((c) => ({
            reason: 'FieldManagerConflict',
            message: `conflict with "${c.managers[0]}" using ${apiVersion}`,
            field: c.path,
          })),
        },
      );
    }
    send(res, outcome.created ? 201 : 200, outcome.object);
  }

  private create(res: ServerResponse, route: Route, body: string): void {
    const object = JSON.parse(body) as Json;
    const name = String(metadataOf(object).name);
    if (!this.namespaceExists(res, route)) return;
    if (this.store.get(route.resource, route.namespace, name) !== undefined) {
      return fail(
        res,
        409,
        'AlreadyExists',
        `${qualifiedResource(route.resource)} "${name}" already exists`,
        {
          name,
          group: route.resource.group,
          kind: route.resource.resource,
        },
      );
    }
    const outcome = this.store.apply(
      route.resource,
      route.namespace,
      name,
      object,
      'before-first-apply',
      true,
    );
    send(res, 201, outcome.kind === 'applied' ? outcome.object : object);
  }

  private namespaceExists(res: ServerResponse, route: Route): boolean {
    if (route.namespace === undefined) return true;
    const namespaces = findResource('', 'v1', 'namespaces')!;
    if (this.store.get(namespaces, undefined, route.namespace) !== undefined) return true;
    fail(res, 404, 'NotFound', `namespaces "${route.namespace}" not found`, {
      name: route.namespace,
      kind: 'namespaces',
    });
    return false;
  }

  private podLog(res: ServerResponse, route: Route, query: URLSearchParams): void {
    const pod = this.store.get(route.resource, route.namespace, route.name!);
    if (pod === undefined) return notFound(res, route);
    if (query.get('follow') === 'true')
      return this.podLogStreams.follow(`${route.namespace}/${route.name}`, res);
    const text = this.controllers.podLogs.get(`${route.namespace}/${route.name}`) ?? '';
    const tail = query.get('tailLines');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const kept = tail === null ? lines : lines.slice(-Number(tail));
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(kept.length === 0 ? '' : `${kept.join('\n')}\n`);
  }

  private watch(res: ServerResponse, route: Route, query: URLSearchParams): void {
    this.watchConnections += 1;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const selector = query.get('labelSelector') ?? undefined;
    const matches = (event: StoredEvent): boolean =>
      event.resource === route.resource &&
      (route.namespace === undefined || event.namespace === route.namespace) &&
      matchesLabels(event.object, selector);
    const write = (type: string, object: unknown): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    let unsubscribe = (): void => {};
    let timer: NodeJS.Timeout | undefined;
    const entry = {
      res,
      end: (gone: boolean): void => {
        if (gone) {
          write(
            'ERROR',
            failureStatus(
              410,
              'Expired',
              `too old resource version: ${query.get('resourceVersion') ?? ''} (${this.store.compactedBelow})`,
            ),
          );
        }
        close();
        res.end();
      },
    };
    const close = (): void => {
      unsubscribe();
      clearTimeout(timer);
      this.openWatches.delete(entry);
    };
    res.on('close', close);
    const from = query.get('resourceVersion');
    if (from === null || from === '' || from === '0') {
      for (const object of this.store.list(route.resource, route.namespace, selector)) write('ADDED', object);
    } else {
      const replay = this.store.eventsSince(Number(from));
      if (replay === 'gone') {
        write(
          'ERROR',
          failureStatus(410, 'Expired', `too old resource version: ${from} (${this.store.compactedBelow})`),
        );
        res.end();
        return;
      }
      for (const event of replay) if (matches(event)) write(event.type, event.object);
    }
    this.openWatches.add(entry);
    unsubscribe = this.store.subscribe((event) => {
      if (matches(event)) write(event.type, event.object);
    });
    const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
    if (timeoutSeconds > 0) timer = setTimeout(() => entry.end(false), timeoutSeconds * 1000);
  }
}

function verbOf(method: string, name: string | undefined, query: URLSearchParams): string {
  switch (method) {
    case 'GET':
      return query.get('watch') === 'true' || query.get('watch') === '1'
        ? 'watch'
        : name === undefined
          ? 'list'
          : 'get';
    case 'PATCH':
      return 'patch';
    case 'POST':
      return 'create';
    case 'DELETE':
      return 'delete';
    case 'PUT':
      return 'update';
    default:
      return method.toLowerCase();
  }
}

/** The checks the real API server would fail with 422 that rescape's tests exercise. */
function validate(resource: FakeResource, object: Json): { field: string; message: string }[] {
  if (!['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(resource.kind)) return [];
  const spec = (object.spec ?? {}) as Json;
  const problems: { field: string; message: string }[] = [];
  if (resource.kind !== 'Job' && spec.selector === undefined)
    problems.push({ field: 'spec.selector', message: 'Required value' });
  const containers = ((spec.template as Json | undefined)?.spec as Json | undefined)?.containers;
  if (!Array.isArray(containers) || containers.length === 0)
    problems.push({ field: 'spec.template.spec.containers', message: 'Required value' });
  return problems;
}

function notFound(res: ServerResponse, route: Route): void {
  fail(res, 404, 'NotFound', `${qualifiedResource(route.resource)} "${route.name ?? ''}" not found`, {
    name: route.name ?? '',
    group: route.resource.group,
    kind: route.resource.resource,
  });
}

/** Answers with a Status failure body, as the API server does for every error. */
function fail(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: Parameters<typeof failureStatus>[3],
): void {
  send(res, code, failureStatus(code, reason, message, details));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
