"""Run a command until the process that started this one goes away.

    python scripts/guard.py COMMAND [ARG...]    # standard input: a pipe from the launcher

scripts/stack.py starts every service through this guard, with a pipe as the guard's
standard input whose other end only the launcher holds. The operating system closes that
end when the launcher exits in any way, even killed by SIGKILL, where none of its own
cleanup code can run: the guard then reads end of file and stops the service (SIGTERM,
then SIGKILL after GRACE_SECONDS). Closing the pipe is also how the launcher stops a
service on purpose, so both paths are the same code.

Why a pipe and not Linux's PR_SET_PDEATHSIG: the pipe works on every platform, and
PR_SET_PDEATHSIG fires when the *thread* that started the process ends, while stack.py
starts services from a thread pool. Standard library only.
"""

import os
import signal
import subprocess
import sys
import threading
from types import FrameType

GRACE_SECONDS = 5.0


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()  # the service shuts down gracefully on SIGTERM
    try:
        process.wait(timeout=GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()


def main(command: list[str]) -> int:
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)

    def stop_when_launcher_is_gone() -> None:
        sys.stdin.buffer.read()  # returns at end of file only
        stop(process)

    def stop_on_signal(signum: int, frame: FrameType | None) -> None:
        process.terminate()  # the guard exits as soon as the service has

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)
    threading.Thread(target=stop_when_launcher_is_gone, daemon=True).start()
    returncode = process.wait()
    # A service killed by signal N exits as 128 + N, as in a shell.
    return returncode if returncode >= 0 else 128 - returncode


if __name__ == "__main__":
    status = main(sys.argv[1:])
    # os._exit, not sys.exit: when the service ends by itself, the thread still reading
    # standard input holds its lock, and the interpreter's shutdown would abort on it
    # ("Fatal Python error: _enter_buffered_busy") instead of exiting with the service's
    # status, which scripts/stack.py reads (a failed --migrate exits 4).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
