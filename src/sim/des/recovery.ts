// Failure recovery time: from a fault's start until the SLO is met again.
//
// The SLO is evaluated every tick over the sliding window ending at that tick (response-recorder.ts). For one
// fault: find the first violated window ending after the fault started and no later than one window after it
// ended (later violations are not this fault's doing); none means the fault never broke the SLO and
// recovery is 0. Otherwise recovery ends at the first window, after that violation, that starts a run of
// compliant windows lasting a whole window length (so one lucky window amid violations does not count). A
// fault the run ends before recovering from counts until the end of the run (a lower bound).

export interface FaultWindow {
  startSeconds: number;
  endSeconds: number;
}

/**
 * `met[k]` is whether the SLO held over the window ending at (k + 1) × tickSeconds.
 * Returns seconds from the fault's start until the SLO held again (0 if it never broke).
 */
export function recoverySeconds(
  met: ArrayLike<number>,
  tickSeconds: number,
  windowSeconds: number,
  fault: FaultWindow,
  durationSeconds: number,
): number {
  const endOf = (k: number): number => (k + 1) * tickSeconds;
  const holdTicks = Math.max(1, Math.round(windowSeconds / tickSeconds));
  let violation = -1;
  for (let k = 0; k < met.length; k += 1) {
    const end = endOf(k);
    if (end <= fault.startSeconds) continue;
    if (end > fault.endSeconds + windowSeconds) break;
    if (!met[k]) {
      violation = k;
      break;
    }
  }
  if (violation < 0) return 0;
  let run = 0;
  for (let k = violation + 1; k < met.length; k += 1) {
    run = met[k] ? run + 1 : 0;
    if (run === holdTicks) return endOf(k - holdTicks + 1) - fault.startSeconds;
  }
  return durationSeconds - fault.startSeconds;
}
