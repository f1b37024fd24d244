// The credentials and API choice for Prometheus and Jaeger that `export` and the live `profile` share. Tokens
// come from the environment by preference, so that they stay out of shell history and process lists.
import { Flags } from '@oclif/core';

export const monitoringCredentialFlags = {
  'prometheus-token': Flags.string({
    env: 'RESCAPE_PROMETHEUS_TOKEN',
    description: 'Bearer token for Prometheus (prefer the environment variable).',
  }),
  'jaeger-token': Flags.string({
    env: 'RESCAPE_JAEGER_TOKEN',
    description: 'Bearer token for Jaeger (prefer the environment variable).',
  }),
  'jaeger-api': Flags.string({
    options: ['v1', 'v3', 'auto'],
    default: 'auto',
    description: 'Jaeger query API: legacy JSON (v1), v3, or probe (auto).',
  }),
};
