"""Check that YAML and TOML files parse (a pre-commit hook).

    python scripts/check_syntax.py FILE...

TOML with the standard library, YAML with PyYAML from the root environment; every
document of a multi-document YAML file is read.
"""

import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

import yaml


def problem(path: Path) -> str | None:
    """The parser's message when `path` does not parse, or None."""
    if not path.exists():  # tracked but deleted in the working tree
        return None
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            tomllib.loads(text)
        else:
            for _ in yaml.safe_load_all(text):
                pass
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        return " ".join(str(error).split())
    return None


def main(arguments: Sequence[str]) -> int:
    found = [(file, reason) for file in arguments if (reason := problem(Path(file)))]
    for file, reason in found:
        print(f"{file}: {reason}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
