// Create to green (`create` to "Tests passed", warm cache) for uv and pip, beside the goals in
// seconds. Minutes, not milliseconds: `npm run bench -- cli` leaves it out. The phases are in
// the note; `node scripts/bench/green.mjs` prints them in full.
import { figure, median, nodeStart, runs } from './harness.mjs';
import { GREEN_GOALS, greenFigures } from './green.mjs';

// `node -e 0` on the machine the goals were set on (the table). Seconds of installing
// and testing are not a ratio to node's start, but its start here beside this figure tells a
// machine twice as slow from a regression: the note prints both.
const GOAL_MACHINE_NODE_MS = 62;

export const title = 'Create to green, warm cache (goals in seconds: the reference is the goal itself)';

export async function figures() {
  const rows = greenFigures({ runs: Number(process.env.GREEN_RUNS ?? 1), managers: (process.env.MANAGERS ?? 'uv,pip').split(',') });
  const nodeMs = median(Array.from({ length: runs }, () => nodeStart(process.cwd())));
  const machine = `node -e 0 ${nodeMs.toFixed(0)} ms here, ${GOAL_MACHINE_NODE_MS} ms where the goal was set`;
  return rows.map((row) =>
    figure({
      name: row.figure,
      own: row.seconds,
      ref: GREEN_GOALS[row.figure.split(', ')[1]],
      ratio: row.seconds / row.goal,
      goal: 1,
      reference: `the goal, ${row.goal} s`,
      unit: 's',
      // CPU seconds of the whole tree of processes: a busy machine inflates them less than
      // the wall clock, so they show what a change bought when the load varies.
      note: [...Object.entries(row.phases).map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`), ...(row.cpu === undefined ? [] : [`cpu ${row.cpu.toFixed(1)} s (user ${row.user.toFixed(1)}, sys ${row.system.toFixed(1)})`]), machine].join(', '),
    }),
  );
}
