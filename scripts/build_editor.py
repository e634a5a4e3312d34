"""Rebuild the Go editor's bundle: `npm ci` and esbuild in js/go-editor, then record what it
was built from (a test checks the record, so the committed bundle never drifts from its source).

    .venv/bin/python scripts/build_editor.py      # needs node and npm (the npm registry)
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "js" / "go-editor"
STAMP = ROOT / "helpers" / "gomemlab" / "static" / "go_editor.source-sha256"


def source_digest() -> str:
    """The sha256 of the files the bundle is built from."""
    digest = hashlib.sha256()
    for name in ("index.js", "package.json", "package-lock.json"):
        digest.update((SOURCE / name).read_bytes())
    return digest.hexdigest()


def main() -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to rebuild the editor bundle")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=SOURCE, check=True)
    subprocess.run([npm, "run", "build"], cwd=SOURCE, check=True)
    STAMP.write_text(source_digest() + "\n")
    print(f"built {STAMP.with_name('go_editor.js')} from {source_digest()[:12]}")


if __name__ == "__main__":
    main()
