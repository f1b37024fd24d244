// Shared behaviour of every rescape command: typed errors → exit codes and messages with a
// suggestion, --json error records, progress on stderr, and SIGINT/SIGTERM → an AbortSignal.
import { Command, Errors } from '@oclif/core';
import { RescapeError } from '../core/errors.js';
import type { ProgressListener } from '../core/progress.js';
import { createProgressRenderer } from './progress-renderer.js';

export abstract class RescapeCommand extends Command {
  static override enableJsonFlag = true;

  private readonly abortController = new AbortController();
  private stopProgress: (() => void) | undefined;

  /** Aborted on the first SIGINT/SIGTERM so the core can stop between steps and keep what it measured; a second one exits at once. */
  protected get signal(): AbortSignal {
    if (!this.signalsWired) this.wireSignals();
    return this.abortController.signal;
  }

  private signalsWired = false;

  private wireSignals(): void {
    this.signalsWired = true;
    const onSignal = (name: NodeJS.Signals): void => {
      if (this.abortController.signal.aborted) process.exit(130);
      process.stderr.write(`\n${name} received: stopping after the current step (again to quit at once)\n`);
      this.abortController.abort(new Error(`${name} received`));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  /** A progress listener that draws a bar on a TTY stderr and plain lines otherwise. */
  protected progress(): ProgressListener {
    const renderer = createProgressRenderer(process.stderr);
    this.stopProgress = renderer.stop;
    return renderer.listener;
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    this.stopProgress?.();
    await super.finally(error);
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    this.stopProgress?.();
    if (error instanceof RescapeError) {
      process.exitCode = error.exitCode;
      if (this.jsonEnabled()) {
        this.logJson(this.toErrorJson(error));
        return;
      }
      const suggestions = error.suggestion === undefined ? [] : [error.suggestion];
      throw new Errors.CLIError(error.message, { exit: error.exitCode, suggestions });
    }
    if (this.jsonEnabled()) {
      // oclif's own errors (a missing or conflicting flag) under --json: the same short record as ours, with
      // oclif's exit code, rather than oclif's default dump of its whole parse context with exit 0.
      const exitCode = (error as { oclif?: { exit?: number } }).oclif?.exit ?? error.exitCode ?? 1;
      process.exitCode = exitCode;
      this.logJson({
        error: {
          kind: exitCode === 2 ? 'usage' : 'internal',
          name: error.name,
          message: error.message,
          exitCode,
        },
      });
      return;
    }
    return super.catch(error);
  }

  protected override toErrorJson(error: unknown): unknown {
    if (error instanceof RescapeError) {
      const location = error as RescapeError & { file?: string; line?: number; field?: string };
      return {
        error: {
          kind: error.kind,
          name: error.name,
          message: error.message,
          exitCode: error.exitCode,
          ...(error.suggestion === undefined ? {} : { suggestion: error.suggestion }),
          ...(location.file === undefined ? {} : { file: location.file }),
          ...(location.line === undefined ? {} : { line: location.line }),
          ...(location.field === undefined ? {} : { field: location.field }),
        },
      };
    }
    return super.toErrorJson(error);
  }
}
