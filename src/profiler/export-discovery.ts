// Which services an export covers, decided before the first row is written (services.csv numbers them and
// cannot grow afterwards). One instant query per profile metric asks for the last value of every series in
// the whole window (a subquery at the run's step), so a pod that only existed in the last hour is found
// without fetching the window twice. The pods found give each service's replica count, and a service with a
// gpu_utilization series is a GPU service: the others get 0 GPUs busy rather than empty cells.
import type { MetricsProfile } from './metrics-profile.js';
import { podOfSeries, serviceOfPod } from './metrics-profile-pods.js';
import { promDuration, renderQuery } from './metrics-profile-query.js';
import type { PrometheusClient } from './prometheus-client.js';

export const GPU_METRIC = 'gpu_utilization';

export interface DiscoveredService {
  pods: Set<string>;
  gpu: boolean;
}

export interface DiscoveryWindow {
  start: Date;
  end: Date;
  stepSeconds: number;
  namespace: string;
  signal?: AbortSignal;
}

export async function discoverServices(
  client: PrometheusClient,
  profile: MetricsProfile,
  window: DiscoveryWindow,
): Promise<Map<string, DiscoveredService>> {
  const found = new Map<string, DiscoveredService>();
  const span = Math.round((window.end.getTime() - window.start.getTime()) / 1000);
  for (const metric of profile.metrics) {
    const query = renderQuery(metric.query, profile, window);
    const subquery = `last_over_time((${query})[${promDuration(span)}:${promDuration(window.stepSeconds)}])`;
    const answer = await client.query(
      subquery,
      window.end,
      window.signal === undefined ? {} : { signal: window.signal },
    );
    if (answer.data.resultType !== 'vector') continue;
    for (const { labels } of answer.data.samples) {
      const pod = podOfSeries(labels, profile.podLabels);
      if (pod === undefined) continue;
      const service = serviceOfPod(pod, profile.services);
      const entry = found.get(service) ?? { pods: new Set<string>(), gpu: false };
      found.set(service, entry);
      entry.pods.add(pod);
      if (metric.metricName === GPU_METRIC) entry.gpu = true;
    }
  }
  return found;
}
