"""``swp lab`` and ``swp doctor``: the analyst's JupyterLab and the machine set-up the tests need.

JupyterLab is started on ``notebooks/`` with a ``python3`` kernelspec that points at the
interpreter ``swp`` runs in. The spec lives in a private folder put first on ``JUPYTER_PATH``,
so a stale system-wide or per-user ``python3`` kernelspec can never be picked instead.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import SwpError
from .paths import find_project_root


def kernelspec_dir() -> Path:
    """A folder holding ``kernels/python3/kernel.json`` for this interpreter."""
    root = Path(tempfile.gettempdir()) / f"swp-analysis-jupyter-{os.getuid()}"
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": f"Python {platform.python_version()} (swp-analysis)",
                "language": "python",
                "metadata": {"debugger": True},
            },
            indent=1,
        )
    )
    return root


def lab_env() -> dict[str, str]:
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join([str(kernelspec_dir()), *filter(None, [env.get("JUPYTER_PATH")])])
    return env


def run(extra: list[str] | None = None) -> int:
    """Start JupyterLab on notebooks/ (blocks until JupyterLab stops)."""
    notebooks = find_project_root(Path(__file__)) / "notebooks"
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={notebooks}", *(extra or [])]
    return subprocess.call(cmd, env=lab_env())


def build_font_cache() -> None:
    """Build matplotlib's font cache once per machine, so no notebook kernel pays for it."""
    from matplotlib import font_manager

    font_manager.findfont("DejaVu Sans")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def install_chromium() -> str:
    """Install Debian's chromium with apt-get when it is missing (root, or sudo without a prompt)."""
    found = find_chromium()
    if found:
        return found
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise SwpError(
                "chromium is missing and this user cannot run apt-get: "
                "install the Debian packages chromium and chromium-driver."
            )
        prefix = ["sudo", "-n"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [
            *prefix,
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
            "fonts-dejavu-core",
        ],
        check=True,
        env=env,
    )
    found = find_chromium()
    if not found:
        raise SwpError("apt-get finished but no chromium binary is on PATH")
    return found


def doctor(install_browser: bool = False) -> list[str]:
    """Check (and where asked, prepare) what builds and tests need; returns lines to print."""
    lines = [f"python: {sys.executable} ({platform.python_version()})"]
    build_font_cache()
    lines.append("matplotlib font cache: ready")
    if install_browser:
        lines.append(f"chromium: {install_chromium()}")
    else:
        lines.append(f"chromium: {find_chromium() or 'not installed (browser tests need it)'}")
    return lines
