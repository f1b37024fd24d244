// Per-service utilisation: small multiples (one small chart per service, busiest first, each on its own
// y scale so that every service's pattern is visible) and a services × time heat map, for CPU and, when any
// service uses them, GPUs.
import { heatLegend, heatMap } from '../charts/heat-map.js';
import { timeChart } from '../charts/time-chart.js';
import { escapeHtml, formatCompact, formatValue, slug } from '../html.js';
import type { RunDigest, ServiceDigest } from '../run-digest.js';
import { figure, section, type Section } from './html-parts.js';
import { incidentSpans, runDomain, runSeries } from './run-charts.js';

interface Resource {
  key: 'cpu' | 'gpu';
  name: string;
  unit: string;
  tone: number;
  mean: (digest: ServiceDigest) => number | null;
  peak: (digest: ServiceDigest) => number | null;
}

const RESOURCES: Resource[] = [
  { key: 'cpu', name: 'CPU', unit: 'cores', tone: 1, mean: (d) => d.cpuMean, peak: (d) => d.cpuPeak },
  { key: 'gpu', name: 'GPU', unit: 'busy GPUs', tone: 2, mean: (d) => d.gpuMean, peak: (d) => d.gpuPeak },
];

export function servicesSection(digest: RunDigest): Section {
  const parts = RESOURCES.filter((resource) => resource.key === 'cpu' || digest.usesGpu).map((resource) => {
    // Busiest first in this resource; GPU charts only for the services that use GPUs.
    const shown = [...digest.services]
      .filter((service) => resource.key === 'cpu' || (service.gpuPeak ?? 0) > 0)
      .sort((a, b) => (resource.mean(b) ?? 0) - (resource.mean(a) ?? 0));
    return smallMultiples(digest, resource, shown) + utilisationHeatMap(digest, resource, shown);
  });
  return section('services', 'Per-service utilisation', parts.join(''));
}

function summary(resource: Resource, service: ServiceDigest): string {
  return `mean ${formatValue(resource.mean(service))}, peak ${formatValue(resource.peak(service))} ${resource.unit}`;
}

function smallMultiples(digest: RunDigest, resource: Resource, services: readonly ServiceDigest[]): string {
  const spans = incidentSpans(digest);
  const charts = services
    .map((service) => {
      const name = service.service.msName;
      const chart = timeChart({
        id: slug(`sm-${resource.key}`, `${service.service.msId}-${name}`),
        title: `${name}: ${resource.name} over time`,
        description: `${resource.name} of ${name} (${service.service.kind}) per step: ${summary(resource, service)}.`,
        yLabel: `${resource.name} (${resource.unit})`,
        domainSeconds: runDomain(digest),
        series: [runSeries(digest, name, resource.tone, service[resource.key])],
        spans,
        size: 'small',
      });
      const tooltip = `${name} (${service.service.kind}): ${summary(resource, service)}`;
      return `<figure><figcaption title="${escapeHtml(tooltip)}"><strong>${escapeHtml(name)}</strong><span>${escapeHtml(formatCompact(resource.mean(service)))}</span></figcaption>${chart}</figure>`;
    })
    .join('');
  return (
    `<h3>${resource.name} per service</h3>` +
    `<p class="muted">${resource.name} in ${resource.unit} over the run, one chart per service, busiest first, each on its own y scale; beside each name its mean in ${resource.unit} (hover for the peak).</p>` +
    `<div class="small-multiples" id="${resource.key}-small-multiples">${charts}</div>`
  );
}

function utilisationHeatMap(
  digest: RunDigest,
  resource: Resource,
  services: readonly ServiceDigest[],
): string {
  const chart = heatMap({
    id: `heat-${resource.key}`,
    title: `${resource.name} heat map: services × time`,
    description: `${resource.name} of ${services.length} services over ${digest.steps} steps, each row as a share of its service's peak.`,
    rows: services.map((service) => ({
      name: service.service.msName,
      values: service[resource.key],
      tooltip: `${service.service.msName} (${service.service.kind}): ${summary(resource, service)}`,
    })),
    steps: digest.steps,
    stepSeconds: digest.stepSeconds,
  });
  return figure(
    `${resource.name} heat map`,
    `Services (busiest first) × time; colour is the share of each service's own peak ${resource.name}, so quiet services show their pattern too. Hover a row for absolute figures.`,
    chart,
    heatLegend().map((level) => ({ swatch: level.className, label: level.label })),
  );
}
