"""mruby 4.0: Float.

4.0's word boxing keeps every bit of a double (runtime/dialects/mruby40:
``float_new``), so Float#to_s formats the value as it is
(``mrb_float_to_str``), where mruby 3.1's printed the truncated double.
"""

from __future__ import annotations

from runtime.core.fmtfp import float_to_s
from runtime.defs import method


@method("Float", "to_s", arity=0, aliases=("inspect",))
def flo_to_s(vm, self, args, blk):
    return vm.str_new(float_to_s(vm.float_value(self)).encode())
