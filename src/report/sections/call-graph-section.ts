// The call graph sampled from the traces: a layered drawing with edge width by call volume, and the busiest
// edges as a table.
import { callGraphChart } from '../charts/call-graph-chart.js';
import { formatCount, formatPercent, formatValue } from '../html.js';
import type { RunDigest } from '../run-digest.js';
import { figure, section, table, type Section } from './html-parts.js';

const KINDS = ['gateway', 'service', 'cache', 'database', 'gpu'];
const TOP_EDGES = 12;

export function callGraphSection(digest: RunDigest): Section {
  if (digest.edges.length === 0) {
    return section(
      'call-graph',
      'Call graph',
      '<p class="muted">The run holds no sampled calls (ms_callgraph.csv is empty).</p>',
    );
  }
  const ids = new Map(digest.services.map(({ service }) => [service.msName, `n${service.msId}`]));
  const total = digest.edges.reduce((sum, edge) => sum + edge.calls, 0);
  const connected = new Set(digest.edges.flatMap((edge) => [edge.um, edge.dm]));
  const services = digest.services.filter((service) => connected.has(service.service.msName));
  const chart = callGraphChart({
    id: 'call-graph-chart',
    title: `Call graph of ${digest.manifest.benchmark}`,
    description: `${services.length} services and ${digest.edges.length} caller → callee edges from ${formatCount(total)} sampled calls; callers on the left, edge width by call volume.`,
    nodes: services.map((service) => ({
      id: `n${service.service.msId}`,
      label: service.service.msName,
      kind: service.service.kind,
      tooltip: `${service.service.msName} (${service.service.kind}, ${service.service.replicas} replicas): mean ${formatValue(service.cpuMean)} cores`,
    })),
    edges: digest.edges.map((edge) => ({
      from: ids.get(edge.um) ?? edge.um,
      to: ids.get(edge.dm) ?? edge.dm,
      calls: edge.calls,
      tooltip: `${edge.um} → ${edge.dm}: ${formatCount(edge.calls)} calls (${formatPercent(edge.calls / total, true)}), mean ${formatValue(edge.rtMeanMs)} ms`,
    })),
  });
  const kindsShown = KINDS.filter((kind) => services.some((service) => service.service.kind === kind));
  const edges = table({
    id: 'top-edges',
    caption: `The ${Math.min(TOP_EDGES, digest.edges.length)} busiest of ${digest.edges.length} edges by sampled calls.`,
    head: [
      [
        { text: 'caller' },
        { text: 'callee' },
        { text: 'calls', numeric: true },
        { text: 'share', numeric: true },
        { text: 'mean response (ms)', numeric: true },
      ],
    ],
    rows: digest.edges.slice(0, TOP_EDGES).map((edge) => ({
      cells: [
        { text: edge.um, header: true },
        { text: edge.dm },
        { text: formatCount(edge.calls), numeric: true },
        { text: formatPercent(edge.calls / total, true), numeric: true },
        { text: formatValue(edge.rtMeanMs), numeric: true },
      ],
    })),
  });
  return section(
    'call-graph',
    'Call graph',
    figure(
      'Caller → callee',
      'Layered from the entry points (left) to the leaves; edge width grows with the square root of the calls sampled. Hover a node or an edge for figures.',
      chart,
      kindsShown.map((kind) => ({ swatch: `k-${kind}`, label: kind })),
    ) + edges,
  );
}
