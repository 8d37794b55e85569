/**
 * Test hook, read only by the code that writes projects: with CLB_CRASH_AFTER_STEP=N in the
 * environment, the process kills itself with SIGKILL (no cleanup, no handlers: like the OOM
 * killer or a power cut) right after the N-th step of a write, counting from 0. Tests use it
 * to crash a write at every step and check that the next run recovers. Unset, it does nothing.
 */
let stepsDone = 0;

export function afterWriteStep(): void {
  const crashAfter = process.env.CLB_CRASH_AFTER_STEP;
  if (crashAfter !== undefined && Number(crashAfter) === stepsDone) process.kill(process.pid, 'SIGKILL');
  stepsDone++;
}
