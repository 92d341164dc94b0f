"""mruby 3.1: the release RITE0300 (and RITE0200) files run as.

Its opcode semantics are runtime/ops.py's ``OPS``; its core library is
runtime/core with the Ruby prelude of runtime/prelude over it; Integers
that outgrow 64 bits raise RangeError and Floats are truncated as word
boxing stores them (runtime/values.py).
"""

from __future__ import annotations

from ..ops import OPS, specialized
from . import Dialect

DIALECT = Dialect(
    release="3.1",
    version_line="mruby 3.1.0 (2022-05-12)",
    formats=("0200", "0300"),
    ops=OPS,
    specialize=specialized,
    listing="3.1",
    core=("runtime.prelude",),      # Integer#times, upto, downto in Ruby, as mrblib has them
)
