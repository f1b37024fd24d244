// Runs and models for the report tests, made with the built CLI as a user would: a short simulated profile,
// and a tiny GAT-GRU (2 epochs, hidden 8) that trains in seconds.
import assert from 'node:assert/strict';
import { rescape } from '../cli.js';

export async function profiledRun(out: string, duration: string, seed: number): Promise<void> {
  const args = ['--benchmark', 'ecommerce', '--duration', duration, '--seed', String(seed), '--out', out];
  const result = await rescape(['profile', ...args]);
  assert.equal(result.exitCode, 0, result.stderr);
}

export async function tinyModel(run: string, out: string): Promise<void> {
  const small = ['--epochs', '2', '--hidden', '8', '--heads', '2', '--batch-size', '32'];
  const result = await rescape(['train', run, '--model', 'gat-gru', ...small, '--out', out]);
  assert.equal(result.exitCode, 0, result.stderr);
}
