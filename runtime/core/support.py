"""Helpers the core library's modules share: argument checks as
``mrb_get_args`` and OP_ENTER make them, blocks backed by Python functions,
the comparisons mrblib code makes (``<=>``, ``>``, ``==``, ``== NONE``), and
the call-info records of mrblib methods that builtins stand in for
(``fake_frames``).

mruby has no such file: in C these are ``mrb_get_args`` (class.c), ``mrb_as_int``
(numeric.c), ``mrb_yield`` (vm.c) and the Ruby code of ``mrblib/``.  They lived
in enumerable.py, which array.py, hash.py, struct.py and enumerator.py
imported while enumerable.py imported them back; here they depend on no
other module of the core library, so every module can import them.
"""

from __future__ import annotations

from .. import abi
from ..frames import CINFO_NONE, Frame

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE
UNDEF = abi.UNDEF


# ----------------------------------------------------------------- arguments
def rb_argc(vm, args, req, opt=0, rest=False):
    """OP_ENTER's argument count check for a method mruby writes in Ruby:
    its message names only the required count ("given 3, expected 1")."""
    n = len(args)
    if n < req or (not rest and n > req + opt):
        vm.argc_error(n, req, req)


def c_args(vm, args, nreq, nopt=0, convs=()):
    """mrb_get_args for ``nreq`` required and ``nopt`` optional arguments:
    each present one is converted in order (``convs[i]``, or kept), a
    missing required one raises the count error when reached, extra ones
    raise it after the conversions."""
    n = len(args)
    mx = nreq + nopt
    out = []
    for i in range(mx):
        if i < n:
            c = convs[i] if i < len(convs) else None
            out.append(c(args[i]) if c is not None else args[i])
        elif i < nreq:
            vm.argc_error(n, nreq, mx)
    if n > mx:
        vm.argc_error(n, nreq, mx)
    return out


def as_int(vm, w):
    """mrb_as_int (mrb_get_args "i"): an Integer, a Float truncated, else
    TypeError "X cannot be converted to Integer"."""
    if w & 1:
        return abi.fixnum_value(w)
    n = vm.int_arg(w)
    if n is not None:
        return n
    if vm.is_int(w):
        return vm.int_value(w)
    if vm.is_float(w):
        f = vm.float_value(w)
        if f != f:
            vm.raise_error(vm.c_FloatDomainError, "NaN")
        if f in (float("inf"), float("-inf")):
            vm.raise_error(vm.c_FloatDomainError, "Infinity" if f > 0 else "-Infinity")
        if not (-9.223372036854776e18 <= f < 9.223372036854776e18):
            vm.raise_error(vm.c_RangeError,
                           f"number ({vm.to_s(w).decode()}) too big for integer")
        return int(f)
    vm.raise_error(vm.c_TypeError, f"{vm.type_name_for_error(w)} cannot be converted to Integer")


def to_int_arg(vm, w):
    """``w.__to_int`` as mrblib code calls it (a frame named __to_int)."""
    if w & 1:
        return abi.fixnum_value(w)
    return vm.int_value(vm.funcall(w, "__to_int"))


# -------------------------------------------------------------------- blocks
def svalue(vm, args):
    """Array#__svalue of a block's ``*val``: nil, the value, or an Array."""
    n = len(args)
    if n == 1:
        return args[0]
    if n == 0:
        return NIL
    return vm.ary_new(args)


def pyblock(vm, fn, mid=None):
    """A Proc whose body is ``fn(args) -> word``; its call-info record is
    named ``mid`` (the mrblib method the block is written in; none when
    None)."""
    def body(vm_, self_, args, blk):
        r = fn(args)
        return NIL if r is None else r

    return vm.make_builtin_proc(body, mid=mid if mid else 0)


def call_block(vm, blk, args):
    """``block.call(*args)`` for a Proc given as a block."""
    return vm.yield_block(blk, args)


def has_builtin_each(vm, obj):
    """Whether ``obj.each`` is the core Array#each: array.py's ``ary_each``
    (known by its name: array.py imports this module, not the reverse), or
    the prelude's Ruby one under the native engine."""
    m, _ = vm.find_method(vm.class_of(obj), vm.intern("each"))
    return m is not None and is_core_ary_each(vm, m)


def is_core_ary_each(vm, m) -> bool:
    fn = m.fn
    if fn is None:
        return m in vm.prelude_methods
    return fn.__name__ == "ary_each" and getattr(fn, "__module__", "") == "runtime.core.array"


# --------------------------------------------------------------- comparisons
def num_gt0(vm, r):
    """Ruby ``r > 0``."""
    if r & 1:
        return abi.fixnum_value(r) > 0
    if vm.is_int(r) or vm.is_float(r):
        return (vm.int_value(r) if vm.is_int(r) else vm.float_value(r)) > 0
    return abi.truthy(vm.funcall(r, ">", [abi.fixnum(0)]))


def num_lt0(vm, r):
    """Ruby ``r < 0``."""
    if r & 1:
        return abi.fixnum_value(r) < 0
    if vm.is_int(r) or vm.is_float(r):
        return (vm.int_value(r) if vm.is_int(r) else vm.float_value(r)) < 0
    return abi.truthy(vm.funcall(r, "<", [abi.fixnum(0)]))


def spaceship(vm, a, b):
    """``a <=> b`` as a word (fast paths for numbers and strings)."""
    if a & 1 and b & 1:
        x = abi.fixnum_value(a)
        y = abi.fixnum_value(b)
        return abi.fixnum((x > y) - (x < y))
    if vm.is_str(a) and vm.is_str(b) and _builtin_str_cmp(vm, a):
        x = bytes(vm.obj(a).value)
        y = bytes(vm.obj(b).value)
        return abi.fixnum((x > y) - (x < y))
    return vm.funcall(a, "<=>", [b])


_str_cmp_cache = {}


def _builtin_str_cmp(vm, a):
    # only trust the fast path while String#<=> is the core one
    m, _ = vm.find_method(vm.class_of(a), vm.intern("<=>"))
    if m is None or m.proc is not None:
        return False
    return getattr(m.fn, "__module__", "").startswith("runtime.core")


def gt(vm, a, b):
    """Ruby ``a > b`` (used by max_by and friends)."""
    if a & 1 and b & 1:
        return abi.fixnum_value(a) > abi.fixnum_value(b)
    return abi.truthy(vm.funcall(a, ">", [b]))


def lt(vm, a, b):
    if a & 1 and b & 1:
        return abi.fixnum_value(a) < abi.fixnum_value(b)
    return abi.truthy(vm.funcall(a, "<", [b]))


def eq(vm, a, b):
    """Ruby ``a == b``."""
    if a == b and not vm.is_float(a):
        return True
    if a & 1 and b & 1:
        return False
    return vm.equal(a, b)


def compare_none(vm, w, op):
    """mrblib's ``w == NONE`` / ``w != NONE`` (op) for an optional
    argument: a user-defined ``==``/``!=`` runs, as in mruby (the core
    ``!=`` goes through ``==``; Comparable#==, Ruby code in mruby, runs
    ``<=>``); identity where the release has no such call (none_runs_eq)."""
    if not vm.none_runs_eq():
        return (w == vm.c_Enumerable.ivars.get(vm.intern("NONE"), NIL)) == (op == "==")
    m, _ = vm.find_method(vm.class_of(w), vm.intern(op))
    if _core_method(m) and m.owner is not vm.cls("Comparable"):
        if op == "!=":
            return not compare_none(vm, w, "==")
        return w == vm.c_Enumerable.ivars.get(vm.intern("NONE"), NIL)
    none = vm.c_Enumerable.ivars.get(vm.intern("NONE"), NIL)
    return abi.truthy(vm.funcall(w, op, [none]))


def _core_method(m):
    return m is not None and m.fn is not None and getattr(
        m.fn, "__module__", "").startswith("runtime.core")


# ------------------------------------------------------------- mrblib frames
class fake_frames:
    """Push builtin call-info records named ``names`` (outermost first) for
    the duration of a ``with`` block, so a backtrace shows the mrblib method
    structure mruby has (``in []=`` inside ``map!``...)."""

    def __init__(self, vm, *names):
        self.vm = vm
        self.names = names
        self.first = None

    def __enter__(self):
        vm = self.vm
        for n in self.names:
            f = Frame(vm.intern(n), None, vm.stack_top(), 0, 0, None, CINFO_NONE)
            f.nregs = 3
            vm.push_frame(f)
            if self.first is None:
                self.first = f
        return self

    def __exit__(self, *exc):
        if self.first is not None:
            self.vm.pop_frame(self.first)
        return False


def raise_in(vm, names, cls, msg):
    """Raise ``cls: msg`` from inside fake frames ``names``."""
    if isinstance(names, str):
        names = (names,)
    with fake_frames(vm, *names):
        vm.raise_error(cls, msg)


def check_frozen_in(vm, w, *names):
    """FrozenError raised inside the mrblib-called C method ``names``."""
    if vm.is_frozen(w):
        with fake_frames(vm, *names):
            vm.check_frozen(w)
