"""Start every service of the project as a local process.

    python scripts/stack.py    # what `make run` does; stop with Ctrl-C

Each service runs from its own directory with its own virtual environment
(services/<name>/.venv), after `alembic upgrade head`, on the port the manifest
(.layered-backend.json) gives it, with the URLs of all the others as its peers.

The root tests use `running_stack(..., isolated=True)` instead: free ports and
throwaway databases, so they never touch development data. Standard library only.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".layered-backend.json"
STARTUP_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Service:
    """A service as the manifest describes it."""

    name: str
    module: str
    env_prefix: str
    route_path: str
    db: str
    port: int

    @property
    def directory(self) -> Path:
        return ROOT / "services" / self.name

    @property
    def python(self) -> Path:
        bin_dir = "Scripts" if os.name == "nt" else "bin"
        return self.directory / ".venv" / bin_dir / ("python.exe" if os.name == "nt" else "python")


def read_services(manifest: Path = MANIFEST) -> list[Service]:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return [
        Service(
            name=entry["name"],
            module=entry["module"],
            env_prefix=entry["envPrefix"],
            route_path=entry["routePath"],
            db=entry["db"],
            port=entry["port"],
        )
        for entry in data["services"]
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stack:
    """Services started by `running_stack`: name -> base URL, and their processes."""

    urls: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def exited(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]


@contextmanager
def running_stack(
    services: list[Service], *, isolated: bool, work_dir: Path | None = None
) -> Iterator[Stack]:
    """Start `services`, wait until each is ready, stop them all on exit.

    isolated=False: the manifest's ports and each service's own database (from its .env);
    output goes to this terminal.
    isolated=True: free ports, a new SQLite database per service in `work_dir` (services
    on a database server keep the one their .env names), and output to log files there.
    """
    if isolated and work_dir is None:
        raise ValueError("an isolated stack needs a work_dir")
    ports = {service.name: free_port() if isolated else service.port for service in services}
    stack = Stack(urls={name: f"http://127.0.0.1:{port}" for name, port in ports.items()})
    logs: dict[str, IO[bytes]] = {}
    try:
        for service in services:
            env = service_environment(service, services, stack.urls, isolated, work_dir)
            log: IO[bytes] | None = None
            if work_dir is not None:
                log = logs[service.name] = (work_dir / f"{service.name}.log").open("wb")
            migrate(service, env, log)
            stack.processes[service.name] = subprocess.Popen(
                [str(service.python), "-m", "app.cmd.api.main"],
                cwd=service.directory,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT if log else None,
                # Its own process group: Ctrl-C reaches this script only, which then
                # stops every service in order.
                start_new_session=True,
            )
        for service in services:
            wait_until_ready(service, stack, work_dir)
        yield stack
    finally:
        for process in stack.processes.values():
            stop(process)
        for log_file in logs.values():
            log_file.close()


def service_environment(
    service: Service,
    services: list[Service],
    urls: dict[str, str],
    isolated: bool,
    work_dir: Path | None,
) -> dict[str, str]:
    """The process environment of `service`: settings set here win over its .env."""
    prefix = service.env_prefix
    peers = {other.name: urls[other.name] for other in services if other != service}
    env = {
        **os.environ,
        f"{prefix}HOST": "127.0.0.1",
        f"{prefix}PORT": urls[service.name].rsplit(":", 1)[1],
        f"{prefix}PEERS": json.dumps(peers),
    }
    if isolated and work_dir is not None and service.db == "sqlite":
        env[f"{prefix}DATABASE_URL"] = f"sqlite+aiosqlite:///{work_dir / service.module}.db"
    return env


def migrate(service: Service, env: dict[str, str], log: IO[bytes] | None) -> None:
    if not service.python.exists():
        raise RuntimeError(f"{service.python} does not exist: run `make install` first")
    subprocess.run(
        [str(service.python), "-m", "alembic", "upgrade", "head"],
        cwd=service.directory,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        check=True,
    )


def wait_until_ready(service: Service, stack: Stack, work_dir: Path | None) -> None:
    url = f"{stack.urls[service.name]}/health/ready"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if stack.processes[service.name].poll() is not None:
            raise RuntimeError(f"{service.name} exited during startup{log_tail(service, work_dir)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # not listening yet
        time.sleep(0.2)
    raise RuntimeError(f"{service.name} was not ready at {url}{log_tail(service, work_dir)}")


def log_tail(service: Service, work_dir: Path | None, lines: int = 30) -> str:
    if work_dir is None:
        return ""
    text = (work_dir / f"{service.name}.log").read_text(encoding="utf-8", errors="replace")
    return "; last lines of its output:\n" + "\n".join(text.splitlines()[-lines:])


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # the server shuts down gracefully on SIGTERM
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    # Ctrl-C and `kill` both stop every service before exiting.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    services = read_services()
    try:
        with running_stack(services, isolated=False) as stack:
            for name, url in stack.urls.items():
                print(f"{name:>24}  {url}")
            print("All services are ready. Press Ctrl-C to stop them.")
            while not stack.exited():
                time.sleep(0.5)
            print(f"Stopped because {', '.join(stack.exited())} exited.", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
