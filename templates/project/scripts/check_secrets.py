"""Refuse to commit settings files with secrets and private keys (a pre-commit hook).

    python scripts/check_secrets.py FILE...

Fails, naming each one, for a `.env` file (`.env`, `.env.local`, ...; `.env.example` is
the committed template and is fine) and for a private key: a key file by its name
(`id_rsa`, `*.pem`, `*.key`, ...) or any file holding a PEM private key block.
`.gitignore` already keeps `.env` out; this catches `git add --force` and new names.
"""

import re
import sys
from collections.abc import Sequence
from pathlib import Path

# Templates of settings files: placeholders, no secrets.
ENV_TEMPLATES = {".env.example", ".env.sample", ".env.template"}
KEY_NAMES = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"}
KEY_SUFFIXES = {".pem", ".key", ".p12", ".pfx", ".jks"}
# The first line of a PEM private key (RSA, EC, OPENSSH, ENCRYPTED, or none).
PRIVATE_KEY_BLOCK = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")


def problem(path: Path) -> str | None:
    """Why `path` must not be committed, or None."""
    name = path.name
    if (name == ".env" or name.startswith(".env.")) and name not in ENV_TEMPLATES:
        return "a settings file with secrets: commit .env.example instead"
    if name in KEY_NAMES or path.suffix in KEY_SUFFIXES:
        return "a key file"
    try:
        content = path.read_bytes()
    except OSError:  # deleted or unreadable: nothing to check
        return None
    if PRIVATE_KEY_BLOCK.search(content):
        return "it holds a private key"
    return None


def main(arguments: Sequence[str]) -> int:
    found = [(file, reason) for file in arguments if (reason := problem(Path(file)))]
    for file, reason in found:
        print(f"{file}: {reason}", file=sys.stderr)
    if found:
        print("Remove them from the commit: git rm --cached FILE", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
