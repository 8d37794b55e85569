/**
 * What an interruption (Ctrl-C, SIGTERM) should say depends on how far the run got: before
 * the project is in place nothing is left behind; after, the project is complete and the
 * message says how to finish. Commands update the message as they go; `main` prints it.
 */
let message = 'Cancelled: nothing was written.';
let interrupted = false;

export function onInterruptSay(text: string): void {
  message = text;
}

export function interruptMessage(): string {
  return message;
}

/** From now on the signal handler stops the run: no new step starts, no failure is reported. */
export function markInterrupted(): void {
  interrupted = true;
}

export function isInterrupted(): boolean {
  return interrupted;
}
