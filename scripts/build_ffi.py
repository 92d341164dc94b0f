#!/usr/bin/env python3
"""Write runtime/_cdecls_ffi.py: cffi's out-of-line ABI module of the
runtime's C declarations (runtime/cdecls.py), so that start-up parses no C.

Run it after changing a declaration; tests/test_architecture.py fails while
the generated module is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generated_source() -> str:
    """The text cffi generates for runtime/cdecls.py's declarations."""
    import io

    from runtime.cdecls import builder
    out = io.StringIO()
    builder().emit_python_code(out)
    return out.getvalue()


def main() -> int:
    path = ROOT / "runtime" / "_cdecls_ffi.py"
    path.write_text(generated_source())
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
