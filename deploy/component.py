"""Which of the two components a Spin on PATH should serve: the WASIp3 one (app-p3.wasm,
spin-p3.toml) from Spin 4.1 on, which reuses its instances; the WASIp2 one (app.wasm, spin.toml)
for older Spin and for the local host, which cannot run WASIp3 (jco needs Node 24's JSPI for it).

`python3 deploy/component.py` prints p2 or p3; the Makefile and tests/spin_server.py ask it.
"""

import re
import shutil
import subprocess

FIRST_WASIP3_SPIN = (4, 1)


def spin_version(spin: str) -> tuple[int, int] | None:
    """The major and minor version `spin --version` reports ("spin 4.1.0-pre0 (…)")."""
    output = subprocess.run([spin, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"(\d+)\.(\d+)\.\d+", output)
    return (int(found.group(1)), int(found.group(2))) if found else None


def wasi_for(spin: str | None) -> str:
    version = spin_version(spin) if spin else None
    return "p3" if version is not None and version >= FIRST_WASIP3_SPIN else "p2"


if __name__ == "__main__":
    print(wasi_for(shutil.which("spin")))
