/**
 * How long each phase from `create` to green took: resolving (uv) or preparing the one pip
 * (pip), installing the environments, the tests. The tests start while the last environments
 * install, so those two overlap: their sum can exceed the total. Shown at the end of a run,
 * and read by the benchmark.
 */
import { formatSeconds } from './parallel.js';

export type Phase = 'resolve' | 'prepare' | 'sync' | 'tests';
export type PhaseTimes = Map<Phase, number>;

const ORDER: Phase[] = ['resolve', 'prepare', 'sync', 'tests'];

/** `resolve 1.7 s, sync 2.0 s, tests 5.1 s`: the phases that ran, in their order. */
export const formatPhases = (times: PhaseTimes): string =>
  ORDER.filter((phase) => times.has(phase))
    .map((phase) => `${phase} ${formatSeconds(times.get(phase)!)}`)
    .join(', ');

/** The line the benchmark parses: `Phases: resolve 1.7 s, sync 2.0 s, tests 5.1 s; total 9.9 s`. */
export const phasesLine = (times: PhaseTimes, totalSeconds: number): string => `Phases: ${formatPhases(times)}; total ${formatSeconds(totalSeconds)}`;

/** Parse `phasesLine` back: seconds by phase, and the total. */
export function parsePhasesLine(text: string): { phases: Partial<Record<Phase, number>>; total: number } | undefined {
  const match = /Phases: (.*); total ([\d.]+) s/.exec(text);
  if (!match) return undefined;
  const phases: Partial<Record<Phase, number>> = {};
  for (const part of match[1]!.split(', ')) {
    const [name, seconds] = part.split(' ');
    if (ORDER.includes(name as Phase)) phases[name as Phase] = Number(seconds);
  }
  return { phases, total: Number(match[2]) };
}
