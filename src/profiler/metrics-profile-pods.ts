// Series → pod → service. A series' pod is the first present label of the profile's podLabels (see
// default.yaml for why exported_pod and pod_name come before pod); its service the first matching rule.
import type { Labels } from './prometheus-response.js';
import type { MetricsProfile } from './metrics-profile.js';

export function podOfSeries(labels: Labels, podLabels: readonly string[]): string | undefined {
  for (const name of podLabels) {
    const value = labels[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export function serviceOfPod(pod: string, rules: MetricsProfile['services']): string {
  for (const rule of rules) {
    const match = rule.match.exec(pod);
    if (match !== null)
      return rule.service.replace(/\$(\d+)/g, (_, group: string) => match[Number(group)] ?? '');
  }
  return pod;
}
