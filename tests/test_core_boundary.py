"""The core never imports streamlit: everything can be computed from a shell."""

import pkgutil
import subprocess
import sys

import mnistlab


def test_core_modules_do_not_import_streamlit():
    modules = [
        m.name
        for m in pkgutil.walk_packages(mnistlab.__path__, "mnistlab.")
        if not m.name.startswith("mnistlab.ui") and m.name != "mnistlab.__main__"
    ]
    assert len(modules) >= 4
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
