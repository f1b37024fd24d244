// Kubernetes pod name → the service (workload) it belongs to, by stripping the suffixes controllers add:
// Deployment pods are <name>-<ReplicaSet hash>-<5 chars>, StatefulSet pods <name>-<ordinal>.

const DEPLOYMENT_POD = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/;
const STATEFUL_POD = /^(.+)-\d+$/;

export function serviceOfPod(pod: string): string {
  const name = pod.trim();
  return DEPLOYMENT_POD.exec(name)?.[1] ?? STATEFUL_POD.exec(name)?.[1] ?? name;
}
