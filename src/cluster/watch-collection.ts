// Waits for a collection of objects (the Deployments of a namespace, one Job, what is being deleted) to reach a
// state, the way client-go's reflector keeps a cache: list, then watch from the list's resourceVersion,
// applying ADDED/MODIFIED/DELETED events to the cache and testing the state after each one. A watch that
// ends or drops is opened again from the last resourceVersion seen (with backoff while it keeps failing);
// a 410 Gone (an ERROR event with a 410 Status, or an HTTP 410) means that version is compacted away, so the
// collection is listed again and watched from the new version. It stops when the state holds, when `signal`
// aborts (the caller's deadline or Ctrl-C; the caller explains which), or on a failure that retrying cannot
// fix (403, 404: thrown).
import type { KubernetesObject } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeApiError, isRetryable } from './kube-errors.js';
import type { KubeClient, WatchEventType } from './kube-client.js';

export interface CollectionTarget {
  apiVersion: string;
  kind: string;
  namespace: string | undefined;
  labelSelector?: string;
}

/** What the watching took: counted for results and tests (a dropped stream shows as a reconnect). */
export interface WatchStats {
  lists: number;
  watches: number;
  /** Watches opened again after a stream ended or dropped. */
  reconnects: number;
  /** Lists made again after 410 Gone. */
  relists: number;
}

export function newWatchStats(): WatchStats {
  return { lists: 0, watches: 0, reconnects: 0, relists: 0 };
}

export interface WatchOptions {
  signal: AbortSignal;
  stats?: WatchStats;
  /** Backoff between failing reconnects: first delay and cap (defaults 200 ms, 5 s). */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Server-side lifetime of one watch request (default 290 s), after which it is opened again. */
  watchSeconds?: number;
}

export interface WatchOutcome {
  /** Whether `settled` held before the signal aborted. */
  settled: boolean;
  /** The collection as last seen, by name. */
  objects: ReadonlyMap<string, KubernetesObject>;
  /** The last failure that made the watch reconnect, for a timeout's explanation. */
  lastError: Error | undefined;
}

type StreamEnd =
  { kind: 'settled' } | { kind: 'aborted' } | { kind: 'gone' } | { kind: 'ended'; error: Error | null };

export async function watchUntil(
  client: KubeClient,
  target: CollectionTarget,
  settled: (objects: ReadonlyMap<string, KubernetesObject>) => boolean,
  options: WatchOptions,
): Promise<WatchOutcome> {
  const stats = options.stats ?? newWatchStats();
  const minDelay = options.reconnectDelayMs ?? 200;
  const maxDelay = options.maxReconnectDelayMs ?? 5000;
  const objects = new Map<string, KubernetesObject>();
  let resourceVersion = '';
  let mustList = true;
  let delay = minDelay;
  let lastError: Error | undefined;
  const outcome = (done: boolean): WatchOutcome => ({ settled: done, objects, lastError });

  while (!options.signal.aborted) {
    if (mustList) {
      try {
        const listed = await client.list(
          target.apiVersion,
          target.kind,
          target.namespace,
          target.labelSelector,
        );
        stats.lists += 1;
        objects.clear();
        for (const item of listed.items) objects.set(item.metadata?.name ?? '', item);
        resourceVersion = listed.resourceVersion;
        mustList = false;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        lastError = error as Error;
        if (!(await pause(delay, options.signal))) break;
        delay = Math.min(delay * 2, maxDelay);
        continue;
      }
      if (settled(objects)) return outcome(true);
    }
    stats.watches += 1;
    const end = await new Promise<StreamEnd>((resolve) => {
      let stop: (() => void) | undefined;
      let finished = false;
      const finish = (result: StreamEnd): void => {
        if (finished) return;
        finished = true;
        options.signal.removeEventListener('abort', onAbort);
        stop?.();
        resolve(result);
      };
      const onAbort = (): void => finish({ kind: 'aborted' });
      // Aborted while the list was in flight: the abort event has fired already and will not again.
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort);
      const onEvent = (type: WatchEventType, object: KubernetesObject): void => {
        if (finished) return;
        if (type === 'ERROR') {
          const code = (object as { code?: unknown }).code;
          if (code === 410) return finish({ kind: 'gone' });
          const message = (object as { message?: unknown }).message;
          return finish({
            kind: 'ended',
            error: new Error(`watch ERROR event ${String(code)}: ${String(message)}`),
          });
        }
        resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
        delay = minDelay;
        if (type === 'BOOKMARK') return;
        const name = object.metadata?.name ?? '';
        if (type === 'DELETED') objects.delete(name);
        else objects.set(name, object);
        if (settled(objects)) finish({ kind: 'settled' });
      };
      client
        .watch(
          target.apiVersion,
          target.kind,
          target.namespace,
          resourceVersion,
          {
            onEvent,
            onDone: (error) => finish({ kind: 'ended', error }),
          },
          {
            ...(target.labelSelector === undefined ? {} : { labelSelector: target.labelSelector }),
            timeoutSeconds: options.watchSeconds ?? 290,
          },
        )
        .then((close) => {
          if (finished) close();
          else stop = close;
        })
        .catch((error: unknown) => finish({ kind: 'ended', error: error as Error }));
    });
    switch (end.kind) {
      case 'settled':
        return outcome(true);
      case 'aborted':
        return outcome(false);
      case 'gone':
        stats.relists += 1;
        mustList = true;
        continue;
      case 'ended': {
        stats.reconnects += 1;
        // A stream the server closed normally (its timeoutSeconds) is reopened at once, but never in a tight loop.
        if (end.error === null) {
          if (!(await pause(Math.min(50, minDelay), options.signal))) return outcome(false);
          continue;
        }
        if (end.error instanceof KubeApiError && end.error.httpStatus === 410) {
          stats.relists += 1;
          mustList = true;
          continue;
        }
        if (end.error instanceof KubeApiError && !end.error.retryable) throw end.error;
        lastError = end.error;
        if (!(await pause(delay, options.signal))) return outcome(false);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }
  return outcome(false);
}

/** Waits `ms`; false when the signal aborted first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
