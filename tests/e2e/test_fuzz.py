"""Property-based fuzzing of the running component with schemathesis, driven by /openapi.json:
positive and negative data, stateful sequences (create, read, update, delete), and every check
(no 5xx, documented statuses, content types, headers and response schemas)."""

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.spin_server import SpinServer, serving

CONFIG = Path(__file__).with_name("schemathesis.toml")
# Fuzzed as a deployment runs, with API keys on: schemathesis sends an admin key, and checks that
# the same requests without it are refused.
SECRET = "fuzz-admin-secret"
API_KEYS = f"fuzz:admin:{hashlib.sha256(SECRET.encode()).hexdigest()}"
# `make test` runs a fixed, seeded budget; `make fuzz` raises it through the environment.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
SEED = int(os.environ.get("FUZZ_SEED", "20261126"))


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    with serving(tmp_path_factory.mktemp("fuzz"), env={"SPIN_VARIABLE_API_KEYS": API_KEYS}) as running:
        yield running


def test_schemathesis_finds_no_failure_in_any_phase(fuzz_server: SpinServer, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).parent / "st"
    command = [
        str(schemathesis),
        "--config-file",
        str(CONFIG),
        "run",
        f"{fuzz_server.url}/openapi.json",
        "--checks",
        "all",
        # GET /employees/{id}/history outlives the employee on purpose (with the personal data
        # erased), which this check reads as a leak. test_api.py checks GET after DELETE is 404.
        "--exclude-checks",
        "use_after_free",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--header",
        f"Authorization: Bearer {SECRET}",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    # In tmp_path, schemathesis's crash cache (.schemathesis/) stays out of the working tree.
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=1800, check=False)
    print(result.stdout[-6000:])
    assert result.returncode == 0, f"schemathesis found failures:\n{result.stdout[-20000:]}{result.stderr}"
    assert "No issues found" in result.stdout or " passed" in result.stdout
