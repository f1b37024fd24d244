// The kinds of event in the simulation's future-event list (EventQueue.kind), and what their payloads hold.

/** A call's service ends: a = call, b = the call's token (stale when its replica crashed meanwhile). */
export const SERVICE_DONE = 0;
/** A closed-loop client ends its think time. */
export const CLIENT_WAKE = 1;
/** The next open-loop arrival: b = the arrival generation (stale after a rate change). */
export const ARRIVAL = 2;
/** A replica finishes starting: a = replica, b = its incarnation (stale after a restart or removal). */
export const REPLICA_READY = 3;
/** Housekeeping every TICK_SECONDS: SLO window, metrics step, timeline bucket, policy decision. */
export const TICK = 4;
/** The load level changes (a re-draw, a spike's start or end). */
export const LOAD_CHANGE = 5;
/** A scenario fault: a = its index in the scenario's crashes or latency faults. */
export const CRASH = 6;
export const SLOW_START = 7;
export const SLOW_END = 8;
