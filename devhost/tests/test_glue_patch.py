"""The local host patches jco's generated glue (devhost/component.mjs): it must say so loudly when a
new jco no longer emits the text the patch replaces, instead of serving unpatched glue."""

from __future__ import annotations

import json
import subprocess

from devhost.tests.harness import DEVHOST

LOWERING = "if (s.length === 0) { return { ptr: 1, len: 0 }; }"


def patch(files: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = (
        f"import {{ patchGlue }} from {json.dumps(str(DEVHOST / 'component.mjs'))};"
        f"const files = Object.entries({json.dumps(files)}).map(([n, s]) => [n, Buffer.from(s)]);"
        "console.log(JSON.stringify(patchGlue(files).map(([n, c]) => [n, String(c)])));"
    )
    return subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True)


def test_the_patch_makes_the_glue_allocate_empty_strings_through_the_guest() -> None:
    done = patch({"app.js": f"a; {LOWERING} b; {LOWERING}", "app.core.wasm": "binary"})

    assert done.returncode == 0, done.stderr
    files = dict(json.loads(done.stdout))
    assert "ptr: 1," not in files["app.js"]
    assert files["app.js"].count("realloc(0, 0, 1, 0)") == 2
    assert files["app.core.wasm"] == "binary"


def test_glue_without_the_text_the_patch_replaces_stops_the_transpile_with_a_clear_error() -> None:
    done = patch({"app.js": "if (s.length === 0) { return { ptr: 0, len: 0 }; }"})

    assert done.returncode != 0
    assert "the empty-string patch in devhost/component.mjs does not apply" in done.stderr
