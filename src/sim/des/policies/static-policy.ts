// The baseline: the topology's replicas, never scaled, round-robin balancing.
import type { OrchestrationPolicy, ControlView } from './policy-types.js';

export class StaticPolicy implements OrchestrationPolicy {
  readonly name = 'static';
  readonly periodSeconds = 0;
  readonly balancing = 'round-robin' as const;

  constructor(readonly description: string) {}

  decide(view: ControlView): number[] {
    return view.services.map((service) => service.replicas);
  }
}
