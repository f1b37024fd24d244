// Follows a container's log (GET …/pods/<pod>/log?follow=true through client-node's Log) line by line until the
// container ends or the signal aborts. Every line is redacted before anyone sees it. Best effort by design: it
// feeds progress, and the outcome of the training is read from the Job's status, never from the log.
import { Log, type KubeConfig } from '@kubernetes/client-node';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Redactor } from './secret-redaction.js';

export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** Resolves when the stream ends; a failure to open it is passed to `onError`, not thrown. */
export type LogFollower = (
  target: LogTarget,
  onLine: (line: string) => void,
  signal: AbortSignal,
  onError: (error: Error) => void,
) => Promise<void>;

export function podLogFollower(kubeConfig: KubeConfig, redactor: Redactor): LogFollower {
  return async (target, onLine, signal, onError) => {
    const stream = new PassThrough();
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => onLine(redactor.redact(line)));
    const ended = new Promise<void>((resolve) => {
      lines.once('close', resolve);
      stream.once('error', () => resolve());
    });
    let controller: AbortController | undefined;
    const stop = (): void => {
      controller?.abort();
      stream.end();
    };
    try {
      controller = await new Log(kubeConfig).log(target.namespace, target.pod, target.container, stream, {
        follow: true,
      });
    } catch (error) {
      onError(new Error(redactor.redact(error instanceof Error ? error.message : String(error))));
      stream.end();
      return ended;
    }
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    await ended;
    signal.removeEventListener('abort', stop);
  };
}
