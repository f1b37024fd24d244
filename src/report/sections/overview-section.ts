// The run at a glance: what was profiled, where, for how long, how much load, and what went wrong.
import { escapeHtml, formatCount, formatDuration, formatPercent, formatValue } from '../html.js';
import type { RunDigest } from '../run-digest.js';
import { facts, section, table, type Section } from './html-parts.js';

export function overviewSection(digest: RunDigest, runDir: string): Section {
  const { manifest, load } = digest;
  const kinds = new Map<string, number>();
  for (const { service } of digest.services) kinds.set(service.kind, (kinds.get(service.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ');
  const body = [
    facts([
      ['benchmark', manifest.benchmark],
      ['cluster', manifest.cluster.kind],
      ['run', manifest.id],
      ['directory', runDir],
      ['status', manifest.status],
      ['started', readableTime(manifest.startTime)],
      [
        'duration',
        `${formatDuration(digest.steps * digest.stepSeconds)} (${digest.steps} of ${manifest.samples} steps)`,
      ],
      ['step', `${digest.stepSeconds} s`],
      ['services', `${digest.services.length} (${byKind})`],
      [
        'call edges',
        `${digest.edges.length} from ${formatCount(digest.callRows)} sampled calls in ${formatCount(digest.traces)} traces`,
      ],
      [
        'concurrency',
        `${formatValue(load.concurrencyMin)}–${formatValue(load.concurrencyMax)} (mean ${formatValue(load.concurrencyMean)}), drawn in ${manifest.load.min}–${manifest.load.max} every ${manifest.load.redrawSeconds} s`,
      ],
      [
        'requests',
        `${formatCount(load.requests)} (${formatPercent(load.requests > 0 ? load.errors / load.requests : null, true)} errors)`,
      ],
      ['latency', `p50 mean ${formatValue(load.p50Mean)} ms, p99 max ${formatValue(load.p99Max)} ms`],
      ['seed', manifest.seed === null ? '–' : String(manifest.seed)],
    ]),
    incidentTable(digest),
    problemList(digest),
  ].join('');
  return section('overview', 'Run overview', body);
}

function incidentTable(digest: RunDigest): string {
  if (digest.incidents.length === 0) return '';
  const time = (step: number) => formatDuration(step * digest.stepSeconds);
  return table({
    id: 'incidents',
    caption: 'Incidents injected by the simulated cluster (shaded in the charts below).',
    head: [[{ text: 'incident' }, { text: 'from' }, { text: 'to' }, { text: 'steps', numeric: true }]],
    rows: digest.incidents.map((incident) => ({
      cells: [
        { text: incident.reason, header: true },
        { text: time(incident.start) },
        { text: time(incident.end) },
        { text: `${incident.start}–${incident.end - 1}`, numeric: true },
      ],
    })),
  });
}

function problemList(digest: RunDigest): string {
  if (digest.problems.length === 0) return '<p class="muted">The run directory reads without problems.</p>';
  const items = digest.problems
    .map((problem) => {
      const where = [problem.file, problem.line === undefined ? '' : `line ${problem.line}`].filter(Boolean);
      return `<li>${escapeHtml([...where, problem.message].join(': '))}</li>`;
    })
    .join('');
  return `<h3>Problems</h3><ul class="problems">${items}</ul>`;
}

/** "2026-11-23 20:31:27 UTC" from an ISO time; the text as given when it does not parse. */
function readableTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
