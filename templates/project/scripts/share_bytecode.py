"""Give a new environment the compiled bytecode another environment already has.

Usage: share_bytecode.py [--compile-rest [--skip PATTERN]...] [--store DIR]
                         TARGET_VENV OTHER_VENV...   (any Python 3.11+)

The services' environments hold mostly the same packages, and uv links each package's
files into every one of them from its cache: the same file, not a copy. Compiling those
modules is most of an environment's install time, and the result is the same in each
environment. So each module of the target whose source file *is* the file of another
environment (the same inode), and that has been compiled there, gets that `.pyc` linked
in. With --compile-rest, the modules left are then compiled, in parallel, as
`uv sync --compile-bytecode` would (a module that does not compile, written for another
Python, is skipped as uv and pip skip it, and so is a source an extension module beside it
shadows); without it they compile on first import.

A `.pyc` records its source's modification time and size, and Python checks them on
import, so a linked one is only ever used for the very file it was compiled from.
Anything that cannot be linked (another file system, no hard links) is compiled instead:
sharing only saves time, it never decides what runs.

With --store, the bytecode outlives the environments: each `.pyc` of the target is also
linked into DIR (a folder per Python bytecode format), named after its source file's
identity (device, inode, size, modification time in nanoseconds), and a module no other
environment has compiled is linked from there when its source is that very file. uv's cache
outlives projects too, so a project created after another, or an environment made again
after `make clean`, links most of its bytecode instead of compiling it. Only bytecode whose
header matches its source goes in; entries no environment links any more are removed after
STORE_DAYS days.
"""

import argparse
import compileall
import fnmatch
import importlib.machinery
import importlib.util
import os
import struct
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Modules per worker process below which starting one costs more than it saves.
MODULES_PER_WORKER = 64
# Days a stored `.pyc` that no environment links any more is kept for a later one.
STORE_DAYS = 30


def site_packages(venv: Path) -> Path | None:
    """The environment's site-packages: lib/pythonX.Y/site-packages, or Lib/site-packages."""
    found = [*sorted(venv.glob("lib/python3.*/site-packages")), *venv.glob("Lib/site-packages")]
    return found[0] if found else None


def compiled(source: str) -> str:
    return importlib.util.cache_from_source(source)


def shadowed(source: str) -> bool:
    """Whether an extension module beside `source` is what an import loads instead (the
    import system tries extension modules before sources: mypy ships its modules both ways,
    compiled by mypyc and as the sources they were compiled from, which nothing imports)."""
    stem = source[: -len(".py")]
    return any(os.path.exists(stem + suffix) for suffix in importlib.machinery.EXTENSION_SUFFIXES)


def store_folder(store: Path) -> Path:
    """The store's folder for this Python's bytecode format (its cache tag and magic number:
    bytecode of another version never matches)."""
    return store / f"{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}"


def store_name(source: str) -> str:
    """The stored `.pyc`'s name: the identity of its very source file."""
    stat = os.stat(source)
    return f"{stat.st_dev:x}-{stat.st_ino:x}-{stat.st_size:x}-{stat.st_mtime_ns:x}.pyc"


def fresh(source: str, bytecode: str) -> bool:
    """Whether `bytecode` was compiled from `source` as it is now: a `.pyc` header holds
    the magic number, flags (0: checked by time and size) and the source's mtime and size."""
    try:
        with open(bytecode, "rb") as file:
            header = file.read(16)
        stat = os.stat(source)
    except OSError:
        return False
    if len(header) < 16 or header[:4] != importlib.util.MAGIC_NUMBER:
        return False
    flags, mtime, size = struct.unpack("<3I", header[4:16])
    source_mtime, source_size = int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF
    return bool(flags == 0 and mtime == source_mtime and size == source_size)


def link(existing: str, destination: str) -> bool:
    """Hard-link `existing` as `destination`, making its folder if `existing` is there;
    False if it is not, or the file system cannot link it there."""
    try:
        os.link(existing, destination)
    except FileNotFoundError:
        if not os.path.exists(existing):
            return False
        try:
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            os.link(existing, destination)
        except OSError:
            return False
    except OSError:
        return False  # there already, another file system, or no hard links
    return True


def link_from(others: list[Path], relative: str, source: str, destination: str) -> bool:
    """Link the bytecode the first of `others` has for this very file; False if none has."""
    for other_site in others:
        other_source = os.path.join(other_site, relative)
        try:
            if not os.path.samefile(source, other_source):
                continue
        except OSError:
            continue  # not there
        if link(compiled(other_source), destination):
            return True
    return False


def link_stored(store: Path | None, source: str, destination: str) -> bool:
    """Link the stored bytecode of this very file; False if the store has none."""
    return store is not None and link(str(store_folder(store) / store_name(source)), destination)


def sources(site: Path) -> Iterator[str]:
    """The environment's modules that an import can load from source."""
    for directory, _, files in os.walk(site):
        for name in files:
            if name.endswith(".py") and not shadowed(source := os.path.join(directory, name)):
                yield source


def share(
    target: Path,
    others: list[Path],
    left: list[str] | None = None,
    store: Path | None = None,
    *,
    modules: list[str] | None = None,
    from_store: set[str] | None = None,
) -> int:
    """Link into `target` each `.pyc` an environment in `others`, or the store, has for the
    same file; return how many were linked. The sources still without bytecode go to `left`,
    those linked from the store to `from_store`. `modules`: the target's `sources`, when the
    caller has them already."""
    target_site = site_packages(target)
    if target_site is None:
        return 0
    other_sites = [site for site in map(site_packages, others) if site and site != target_site]
    if not other_sites and left is None and store is None:
        return 0
    linked = 0
    for source in sources(target_site) if modules is None else modules:
        destination = compiled(source)
        if os.path.exists(destination):
            continue
        relative = os.path.relpath(source, target_site)
        if link_from(other_sites, relative, source, destination):
            linked += 1
        elif link_stored(store, source, destination):
            linked += 1
            if from_store is not None:
                from_store.add(source)
        elif left is not None:
            left.append(source)
    return linked


def keep(target: Path, store: Path, modules: Iterable[str] | None = None) -> int:
    """Link each `.pyc` of `target` that matches its source into the store (an entry there
    already stays); return how many were added. `modules`: the target's sources to look at,
    by default all of them (`sources`)."""
    target_site = site_packages(target)
    if target_site is None:
        return 0
    folder = store_folder(store)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return 0  # a store that cannot be written only saves nothing
    added = 0
    for source in sources(target_site) if modules is None else modules:
        bytecode = compiled(source)
        if fresh(source, bytecode) and link(bytecode, str(folder / store_name(source))):
            added += 1
    return added


def prune(store: Path, days: float = STORE_DAYS, now: float | None = None) -> int:
    """Remove the stored `.pyc` files that no environment links any more (a link count of
    one) and that were written over `days` days ago; return how many went."""
    deadline = (time.time() if now is None else now) - days * 86400
    removed = 0
    try:
        entries = list(os.scandir(store_folder(store)))
    except OSError:
        return 0
    for entry in entries:
        try:
            stat = entry.stat(follow_symlinks=False)
            if stat.st_nlink == 1 and stat.st_mtime < deadline:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


def compile_module(source: str) -> bool:
    return bool(compileall.compile_file(source, quiet=2))


def compile_all(sources: list[str]) -> int:
    """Compile `sources` on every core; return how many compiled."""
    workers = min(os.cpu_count() or 1, len(sources) // MODULES_PER_WORKER)
    if workers <= 1:
        return sum(map(compile_module, sources))
    with ProcessPoolExecutor(workers) as pool:
        return sum(pool.map(compile_module, sources, chunksize=32))


def to_compile(sources: list[str], site: Path, skip: list[str]) -> list[str]:
    """`sources` but for those whose path in `site` matches a pattern of `skip`."""
    return [
        source
        for source in sources
        if not any(fnmatch.fnmatchcase(os.path.relpath(source, site), pattern) for pattern in skip)
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile-rest", action="store_true", help="compile what is not linked")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="PATTERN",
        help="with --compile-rest, leave the modules whose path in site-packages matches "
        "(fnmatch: * matches / too) to compile on first import",
    )
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help="keep the bytecode in DIR too, for environments made later on the same file system",
    )
    parser.add_argument("target", type=Path)
    parser.add_argument("others", type=Path, nargs="*")
    arguments = parser.parse_args(argv[1:])
    site = site_packages(arguments.target)
    if site is None:
        return 0
    left: list[str] | None = [] if arguments.compile_rest else None
    store: Path | None = arguments.store
    # One walk of the target for both steps; what came from the store is there already.
    modules = list(sources(site))
    from_store: set[str] = set()
    share(arguments.target, arguments.others, left, store, modules=modules, from_store=from_store)
    if left:
        compile_all(to_compile(left, site, arguments.skip))
    if store is not None:
        keep(arguments.target, store, (source for source in modules if source not in from_store))
        prune(store)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
