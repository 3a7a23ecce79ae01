"""Which component a Spin on PATH is given (deploy/component.py): WASIp3 from Spin 4.1 on, WASIp2
before it and for the local host. The `spin` here is a script that prints a version, standing in
for the real CLI, which this machine cannot install."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.component import wasi_for

ROOT = Path(__file__).resolve().parents[2]


def fake_spin(folder: Path, version_line: str) -> Path:
    spin = folder / "spin"
    spin.write_text(f"#!/bin/sh\necho '{version_line}'\n")
    spin.chmod(0o755)
    return spin


@pytest.mark.parametrize(
    ("version_line", "wasi"),
    [
        ("spin 3.6.1 (4c3d8b0 2025-11-18)", "p2"),
        ("spin 4.0.1 (1a2b3c4 2026-02-02)", "p2"),
        ("spin 4.1.0-pre0 (5d6e7f8 2026-10-30)", "p3"),
        ("spin 4.2.0 (9a8b7c6 2027-01-05)", "p3"),
        ("spin 10.0.0 (0000000 2030-01-01)", "p3"),
        ("not a version", "p2"),
    ],
)
def test_the_component_follows_the_spin_version(tmp_path: Path, version_line: str, wasi: str) -> None:
    assert wasi_for(str(fake_spin(tmp_path, version_line))) == wasi


def test_without_spin_the_local_host_gets_wasip2() -> None:
    assert wasi_for(None) == "p2"


def test_make_serves_the_wasip3_manifest_under_spin_4_1(tmp_path: Path) -> None:
    fake_spin(tmp_path, "spin 4.1.0 (5d6e7f8 2026-11-20)")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    env.pop("WASI", None)
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, env=env, capture_output=True, text=True).stdout
    assert "spin up --from spin-p3.toml" in plan
    forced = subprocess.run(
        ["make", "-n", "run", "WASI=p2"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "spin up --from spin.toml" in forced.stdout


def test_the_script_prints_the_choice(tmp_path: Path) -> None:
    fake_spin(tmp_path, "spin 4.1.0 (5d6e7f8 2026-11-20)")
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    printed = subprocess.run(
        [sys.executable, "deploy/component.py"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert printed.stdout.strip() == "p3"
