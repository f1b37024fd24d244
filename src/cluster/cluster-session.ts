// One command's connection to the cluster: the client for the chosen kubeconfig context, and the fields every
// cluster command's record carries (which context and server it worked on, how long it took).
import { KubeClient, type KubeClientOptions } from './kube-client.js';
import type { KubeconfigChoice } from './kubeconfig.js';

export interface ClusterSession {
  client: KubeClient;
  /** context, server, and seconds since the session was opened (to the millisecond). */
  summary: () => { context: string; server: string; seconds: number };
}

export async function openClusterSession(
  choice: KubeconfigChoice,
  options: KubeClientOptions = {},
): Promise<ClusterSession> {
  const started = Date.now();
  const client = await KubeClient.connect(choice, options);
  return {
    client,
    summary: () => ({
      context: client.context,
      server: client.server,
      seconds: (Date.now() - started) / 1000,
    }),
  };
}
