// Renders core progress events on stderr: a cli-progress bar on a TTY, otherwise a plain line at
// most every few seconds and at each phase's end, so CI logs stay short.
import { SingleBar, Presets } from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../core/progress.js';

const PLAIN_INTERVAL_MS = 5000;

export interface ProgressRenderer {
  listener: ProgressListener;
  stop: () => void;
}

export function createProgressRenderer(
  stream: NodeJS.WriteStream,
  now: () => number = Date.now,
): ProgressRenderer {
  return stream.isTTY ? barRenderer(stream) : plainRenderer(stream, now);
}

function barRenderer(stream: NodeJS.WriteStream): ProgressRenderer {
  let bar: SingleBar | undefined;
  let phase: string | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const listener = (event: ProgressEvent): void => {
    if (bar === undefined || phase !== event.phase) {
      stop();
      phase = event.phase;
      bar = new SingleBar(
        {
          stream,
          format: `${event.phase} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {message}`,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(event.total, event.done, { message: event.message ?? '' });
    }
    bar.setTotal(event.total);
    bar.update(event.done, { message: event.message ?? '' });
    if (event.done >= event.total) stop();
  };
  return { listener, stop };
}

function plainRenderer(stream: NodeJS.WriteStream, now: () => number): ProgressRenderer {
  let lastAt = -Infinity;
  const listener = (event: ProgressEvent): void => {
    const finished = event.done >= event.total;
    if (!finished && now() - lastAt < PLAIN_INTERVAL_MS) return;
    lastAt = now();
    const percent = event.total > 0 ? Math.floor((100 * event.done) / event.total) : 100;
    stream.write(
      `${event.phase}: ${event.done}/${event.total} (${percent}%)${event.message ? ` ${event.message}` : ''}\n`,
    );
  };
  return { listener, stop: () => {} };
}
