"""Run templates as machine code against a stand-in VM, and compare with the
semantics they implement.

The stand-in has a cffi register stack and a few Python opcode functions;
the slow path of an arithmetic instruction marks its result ``SLOW`` so the
tests see exactly when generated code gave up (63-bit overflow, a result
that is no flonum, a zero divisor, operands that are not numbers).
"""

from __future__ import annotations

import functools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riteload.model import CatchHandler, Irep
from runtime import abi
from runtime.codecache import ffi
from runtime.native import NativeEngine
from test_translate import iseq

SLOW = 0x7FFF_FFFF_FFFF_FF00      # a word no value has: "the Python semantics ran"


class Frame:
    def __init__(self, irep, base=0, pc=0, n=0, nk=0):
        self.irep = irep
        self.proc = None        # a Frame without a proc, as a top-level test harness has
        self.base = base
        self.pc = pc
        self.n = n
        self.nk = nk
        self.retval = None
        self.index = 0          # its call-info record (vm.ci[0])
        self.env = None         # what the engine writes in that record (runtime/frames.py)
        self.cci = 0
        self.mid = 0
        self.target_class = None


class FakeVM:
    def __init__(self, redefined=abi.REDEFINED_ALL):
        self.stack = ffi.new("uint64_t[]", 1024)
        self.stack_addr = int(ffi.cast("uintptr_t", self.stack))   # what the engine adds 8*base to
        self.exc = None
        self.arena = []             # the engine cuts it back after each callback
        # the redefinition bits of abi.INT_BUILTINS (set: the send goes to Python)
        self.redefined = ffi.new("uint64_t[2]", [redefined, 0])
        self.redefined_dirty = False
        # the call-info stack native call sites push onto (runtime/context.py's)
        self.ci_max = 16
        self.ci = ffi.new("rl_callinfo[]", self.ci_max + 2)
        self.context = object()
        self.frames = []
        self.state = ffi.new("rl_vmstate *")
        # an allocation pool of Arrays that stays empty: ARRAY takes the slow path
        self.c_Array = None
        self.ary_pool = ffi.new("uint64_t[]", 2)
        self.state.ary_pool = self.ary_pool
        # no String generated code owns (runtime/natstring.py): ADD of heap
        # objects finds no String blocks and takes the slow path
        self.str_blocks = ffi.new("uint64_t[]", 64)
        self.state.str_blocks = self.str_blocks

    def alloc_pool(self, cls):
        return self.ary_pool

    def fill_pool(self, cls, pool):
        pass

    def sym(self, name):
        return abi.symbol_word(sum(name.encode()))

    def find_handler(self, frame, filt):
        for h in reversed(frame.irep.handlers):
            if h.begin < frame.pc <= h.end:
                return h
        return None


def _return(vm, frame, ins):
    frame.retval = vm.stack[frame.base + ins.a]
    return abi.OP_RETURN


def _slow(vm, frame, ins):
    vm.stack[frame.base + ins.a] = SLOW


class Boom(Exception):
    pass


def _raise(vm, frame, ins):
    from runtime.errors import RubyError
    raise RubyError(abi.fixnum(99))


OPS = dict.fromkeys(("ADD", "SUB", "MUL", "DIV", "ADDI", "SUBI", "EQ", "LT", "LE", "GT", "GE",
                    "LOADL", "LOADSYM"), _slow)
OPS["RETURN"] = _return
OPS["SEND"] = _raise

ENGINE = NativeEngine(1 << 20, ops=OPS, counting=True, verify=False, hot_calls=1)
VM = FakeVM()


def run(irep: Irep, regs: dict[int, int], base: int = 0) -> int:
    for i in range(irep.nregs):
        VM.stack[base + i] = abi.NIL
    for i, w in regs.items():
        VM.stack[base + i] = w & abi.MASK64
    return ENGINE.run(VM, Frame(irep, base))


@functools.cache
def binop(name: str) -> Irep:
    return Irep(nlocals=1, nregs=4, iseq=iseq((name, 1), ("RETURN", 1)))


@functools.cache
def immop(name: str, b: int) -> Irep:
    return Irep(nlocals=1, nregs=4, iseq=iseq((name, 1, b), ("RETURN", 1)))


# ---------------------------------------------------------------------------
# values

fixnums = st.one_of(st.integers(abi.FIXNUM_MIN, abi.FIXNUM_MAX),
                    st.sampled_from([0, 1, -1, abi.FIXNUM_MAX, abi.FIXNUM_MIN, 1 << 31,
                                     -(1 << 31), 3037000499, -3037000499]))
flonum_floats = st.floats(allow_nan=False, allow_infinity=False).filter(
    lambda x: abi.flonum(x) is not None)


def f2w(x: float) -> int:
    return abi.flonum(x)


def expect_float(z: float) -> int:
    # the interpreter's rule: mruby 3.1 word boxing clears the two low significand bits
    from runtime.fastfloat import float_word
    w = float_word(z)[0] if not (math.isnan(z) or math.isinf(z)) else None
    return SLOW if w is None else w


# ---------------------------------------------------------------------------
# integer arithmetic

def _int_expect(name: str, x: int, y: int) -> int:
    if name == "ADD":
        z = x + y
    elif name == "SUB":
        z = x - y
    elif name == "MUL":
        z = x * y
    else:
        if y == 0:
            return SLOW
        z = x // y                   # mrb_div_int rounds toward negative infinity
    return abi.fixnum(z) if abi.fixable(z) else SLOW


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["ADD", "SUB", "MUL", "DIV"]), fixnums, fixnums)
def test_fixnum_arithmetic(name, x, y):
    got = run(binop(name), {1: abi.fixnum(x), 2: abi.fixnum(y)})
    assert got == _int_expect(name, x, y)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["ADDI", "SUBI"]), fixnums, st.integers(0, 255))
def test_fixnum_immediate_arithmetic(name, x, b):
    ir = immop(name, b)
    z = x + b if name == "ADDI" else x - b
    assert run(ir, {1: abi.fixnum(x)}) == (abi.fixnum(z) if abi.fixable(z) else SLOW)


def test_overflow_edges():
    mx, mn = abi.FIXNUM_MAX, abi.FIXNUM_MIN
    assert run(binop("ADD"), {1: abi.fixnum(mx), 2: abi.fixnum(1)}) == SLOW
    assert run(binop("ADD"), {1: abi.fixnum(mx), 2: abi.fixnum(0)}) == abi.fixnum(mx)
    assert run(binop("SUB"), {1: abi.fixnum(mn), 2: abi.fixnum(1)}) == SLOW
    assert run(binop("SUB"), {1: abi.fixnum(mn + 1), 2: abi.fixnum(1)}) == abi.fixnum(mn)
    assert run(binop("MUL"), {1: abi.fixnum(1 << 31), 2: abi.fixnum(1 << 31)}) == SLOW
    assert run(binop("MUL"), {1: abi.fixnum(mn), 2: abi.fixnum(-1)}) == SLOW
    assert run(binop("DIV"), {1: abi.fixnum(mn), 2: abi.fixnum(-1)}) == SLOW
    assert run(binop("DIV"), {1: abi.fixnum(7), 2: abi.fixnum(0)}) == SLOW
    assert run(binop("DIV"), {1: abi.fixnum(-7), 2: abi.fixnum(2)}) == abi.fixnum(-4)
    assert run(binop("DIV"), {1: abi.fixnum(7), 2: abi.fixnum(-2)}) == abi.fixnum(-4)
    assert run(binop("DIV"), {1: abi.fixnum(-8), 2: abi.fixnum(2)}) == abi.fixnum(-4)


# ---------------------------------------------------------------------------
# floats

_FOPS = {"ADD": lambda x, y: x + y, "SUB": lambda x, y: x - y, "MUL": lambda x, y: x * y,
         "DIV": lambda x, y: x / y if y != 0.0 else math.inf}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(["ADD", "SUB", "MUL", "DIV"]), flonum_floats, flonum_floats)
def test_flonum_arithmetic(name, x, y):
    got = run(binop(name), {1: f2w(x), 2: f2w(y)})
    assert got == expect_float(_FOPS[name](x, y))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["ADD", "SUB", "MUL", "DIV"]), fixnums, flonum_floats, st.booleans())
def test_mixed_arithmetic(name, i, f, int_first):
    x, y = (float(i), f) if int_first else (f, float(i))
    regs = {1: abi.fixnum(i), 2: f2w(f)} if int_first else {1: f2w(f), 2: abi.fixnum(i)}
    assert run(binop(name), regs) == expect_float(_FOPS[name](x, y))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["ADDI", "SUBI"]), flonum_floats, st.integers(0, 255))
def test_flonum_immediate_arithmetic(name, x, b):
    ir = immop(name, b)
    z = x + b if name == "ADDI" else x - b
    assert run(ir, {1: f2w(x)}) == expect_float(z)


def test_float_zero_and_boxing():
    assert run(binop("SUB"), {1: f2w(1.5), 2: f2w(1.5)}) == abi.flonum(0.0)
    assert run(binop("ADD"), {1: abi.flonum(0.0), 2: abi.flonum(0.0)}) == abi.flonum(0.0)
    assert run(binop("MUL"), {1: f2w(-1.5), 2: abi.flonum(0.0)}) == SLOW     # -0.0 is boxed
    assert run(binop("MUL"), {1: f2w(1e70), 2: f2w(1e70)}) == SLOW           # no flonum
    assert run(binop("DIV"), {1: f2w(1.0), 2: abi.flonum(0.0)}) == SLOW      # Infinity


# ---------------------------------------------------------------------------
# comparisons

_CMP = {"EQ": lambda x, y: x == y, "LT": lambda x, y: x < y, "LE": lambda x, y: x <= y,
        "GT": lambda x, y: x > y, "GE": lambda x, y: x >= y}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(_CMP)), st.one_of(fixnums, flonum_floats),
       st.one_of(fixnums, flonum_floats))
def test_comparisons(name, x, y):
    def word(v):
        return f2w(v) if isinstance(v, float) else abi.fixnum(v)
    if isinstance(x, float) or isinstance(y, float):
        result = _CMP[name](float(x), float(y))   # C compares (double)int with the double
    else:
        result = _CMP[name](x, y)
    assert run(binop(name), {1: word(x), 2: word(y)}) == (abi.TRUE if result else abi.FALSE)


@pytest.mark.parametrize("name", sorted(_CMP) + ["ADD", "SUB", "MUL", "DIV"])
@pytest.mark.parametrize("other", [abi.NIL, abi.TRUE, abi.FALSE, abi.symbol_word(5),
                                   abi.object_word(12)])
def test_non_numbers_take_the_slow_path(name, other):
    assert run(binop(name), {1: abi.fixnum(3), 2: other}) == SLOW
    assert run(binop(name), {1: other, 2: f2w(2.5)}) == SLOW


# ---------------------------------------------------------------------------
# loads, moves, jumps, exceptions

def test_loads_and_moves():
    ir = Irep(nlocals=1, nregs=12, iseq=iseq(
        ("LOADI", 1, 200), ("LOADINEG", 2, 7), ("LOADI__1", 3), ("LOADI_7", 4),
        ("LOADI16", 5, 0x8000), ("LOADI32", 6, 0x8000, 0x0001), ("LOADNIL", 7), ("LOADT", 8),
        ("LOADF", 9), ("LOADSELF", 10), ("MOVE", 11, 6), ("RETURN", 0)))
    run(ir, {0: abi.fixnum(5)})
    got = [VM.stack[i] for i in range(12)]
    assert got == [abi.fixnum(5), abi.fixnum(200), abi.fixnum(-7), abi.fixnum(-1), abi.fixnum(7),
                   abi.fixnum(-32768), abi.fixnum(-(1 << 31) + 1), abi.NIL, abi.TRUE, abi.FALSE,
                   abi.fixnum(5), abi.fixnum(-(1 << 31) + 1)]


@pytest.mark.parametrize("value,taken_if,taken_not,taken_nil", [
    (abi.NIL, False, True, True), (abi.FALSE, False, True, False), (abi.TRUE, True, False, False),
    (abi.fixnum(0), True, False, False), (abi.symbol_word(1), True, False, False)])
def test_conditional_jumps(value, taken_if, taken_not, taken_nil):
    for name, taken in (("JMPIF", taken_if), ("JMPNOT", taken_not), ("JMPNIL", taken_nil)):
        # 0: JMPx R1, +2 ; 4: LOADI_1 R2 ; 6: RETURN R2... (jump skips the load)
        ir = Irep(nlocals=1, nregs=4, iseq=iseq((name, 1, 2), ("LOADI_1", 2), ("RETURN", 2)))
        got = run(ir, {1: value, 2: abi.fixnum(0)})
        assert got == (abi.fixnum(0) if taken else abi.fixnum(1)), name


def test_loop_runs_natively():
    # R1 = 0; R2 = 0; while R1 < 1000: R2 = R2 + R1; R1 += 1 end; return R2
    def body(exit_off, back_off):
        return (("LOADI_0", 1), ("LOADI_0", 2),
                ("MOVE", 3, 1), ("LOADI16", 4, 1000), ("LT", 3), ("JMPNOT", 3, exit_off),
                ("MOVE", 3, 2), ("MOVE", 4, 1), ("ADD", 3), ("MOVE", 2, 3),
                ("ADDI", 1, 1), ("JMP", back_off & 0xffff),
                ("RETURN", 2))
    ins = Irep(nlocals=1, nregs=6, iseq=iseq(*body(0, 0))).instructions
    jmpnot, jmp, ret, top = ins[5], ins[11], ins[12], ins[2]
    ir = Irep(nlocals=1, nregs=6, iseq=iseq(*body(ret.pc - jmpnot.next_pc,
                                                   top.pc - jmp.next_pc)))
    before = ENGINE.op_calls
    assert run(ir, {}) == abi.fixnum(sum(range(1000)))
    assert ENGINE.op_calls - before == 0          # even RETURN is inline here


def test_exception_goes_to_the_catch_handler():
    # 0: SEND R1 (raises) ; 4: LOADI_1 R2 ; 6: RETURN R2 ; 8: LOADI_2 R2 ; 10: RETURN R2
    body = iseq(("SEND", 1, 0, 0), ("LOADI_1", 2), ("RETURN", 2), ("LOADI_2", 2), ("RETURN", 2))
    ir = Irep(nlocals=1, nregs=4, iseq=body, syms=["boom"],
              handlers=[CatchHandler(0, 0, 4, 8)])
    assert run(ir, {}) == abi.fixnum(2)
    assert VM.exc == abi.fixnum(99)


def test_exception_without_handler_leaves_through_python():
    from runtime.errors import RubyError
    ir = Irep(nlocals=1, nregs=4, iseq=iseq(("SEND", 1, 0, 0), ("RETURN", 1)), syms=["boom"])
    with pytest.raises(RubyError):
        run(ir, {})


def test_enter_inline_when_arguments_match():
    # def f(a, b): ENTER 2 required; nlocals 5 -> R4 cleared inline; R[a] returned inline
    asp = 2 << 18
    ir = Irep(nlocals=5, nregs=6, iseq=iseq(("ENTER", asp), ("RETURN", 2)))
    calls = []
    ENGINE.ops["ENTER"] = lambda vm, frame, ins: calls.append(frame.n)
    try:
        for i in range(6):
            VM.stack[i] = abi.fixnum(i)
        before = ENGINE.op_calls
        assert ENGINE.run(VM, Frame(ir, n=2)) == abi.fixnum(2)
        assert ENGINE.op_calls == before and calls == []
        assert VM.stack[4] == abi.NIL and VM.stack[3] == abi.fixnum(3)   # R3: the block slot
        assert ENGINE.run(VM, Frame(ir, n=1)) == abi.fixnum(2)          # wrong count: Python
        assert ENGINE.run(VM, Frame(ir, n=2, nk=1)) == abi.fixnum(2)    # keywords: Python
        assert calls == [1, 2]
    finally:
        del ENGINE.ops["ENTER"]


def test_return_calls_python_when_an_ensure_clause_exists():
    ir = Irep(nlocals=1, nregs=3, iseq=iseq(("LOADI_1", 1), ("RETURN", 1)),
              handlers=[CatchHandler(1, 0, 2, 0)])
    before = ENGINE.op_calls
    assert run(ir, {}) == abi.fixnum(1)
    assert ENGINE.op_calls == before + 1


def test_start_pc():
    ir = Irep(nlocals=1, nregs=4, iseq=iseq(("LOADI_1", 1), ("LOADI_2", 1), ("RETURN", 1)))
    for i in range(4):
        VM.stack[i] = abi.NIL
    assert ENGINE.run(VM, Frame(ir, pc=2)) == abi.fixnum(2)


def test_nested_frames_share_the_register_stack():
    inner = Irep(nlocals=1, nregs=3, iseq=iseq(("ADDI", 0, 5), ("RETURN", 0)))

    def call_inner(vm, frame, ins):
        # the callee's R0 is the caller's R[a], as the VM sets frames up
        vm.stack[frame.base + ins.a] = ENGINE.run(vm, Frame(inner, base=frame.base + ins.a))

    ENGINE.ops["SEND"] = call_inner
    try:
        outer = Irep(nlocals=1, nregs=6, iseq=iseq(("LOADI_3", 2), ("SEND", 2, 0, 0),
                                                   ("ADDI", 2, 1), ("RETURN", 2)), syms=["f"])
        assert run(outer, {}, base=100) == abi.fixnum(9)
    finally:
        del ENGINE.ops["SEND"]


def test_every_flonum_word_decodes():
    # decoding is exact: EQ of a flonum with itself, and MOVE/ADD 0.0 round trips
    for x in (1.0, -1.0, 0.5, 1e-300 * 1e280, 3.14159, -2.5e-10, 1.7976931348623157e+300 / 1e150):
        from runtime.fastfloat import float_word
        w = float_word(x)[0]           # a Float as mruby 3.1 stores it (low bits cleared)
        if w is None:
            continue
        assert run(binop("ADD"), {1: w, 2: abi.flonum(0.0)}) == w
        assert abi.flonum(abi.flonum_value(w)) == w


def test_tiering_translates_loops_at_once_and_other_code_when_called_again():
    class Interp:
        runs = 0

        def run(self, vm, frame):
            Interp.runs += 1
            return abi.fixnum(-1)

    eng = NativeEngine(1 << 20, ops=OPS, verify=False, hot_calls=2, fallback=Interp())
    straight = Irep(nlocals=1, nregs=3, iseq=iseq(("LOADI_5", 1), ("RETURN", 1)))
    assert eng.run(VM, Frame(straight)) == abi.fixnum(-1)        # cold: the interpreter
    assert eng.run(VM, Frame(straight)) == abi.fixnum(5)         # second call: native
    assert eng.run(VM, Frame(straight)) == abi.fixnum(5)
    assert Interp.runs == 1 and eng.cold_runs == 1 and eng.translations == 1
    # 0: LOADI_3 R1 ; 2: SUBI R1 1 ; 5: MOVE R2 R1 ; 8: LOADI_0 R3 ; 10: GT R2 ;
    # 12: JMPIF R2 -> 2 (backward) ; 16: RETURN R1
    body = iseq(("LOADI_3", 1), ("SUBI", 1, 1), ("MOVE", 2, 1), ("LOADI_0", 3), ("GT", 2),
                ("JMPIF", 2, (2 - 16) & 0xffff), ("RETURN", 1))
    loop = Irep(nlocals=1, nregs=5, iseq=body)
    assert eng.run(VM, Frame(loop)) == abi.fixnum(0)             # loops: native at once
    assert Interp.runs == 1 and eng.translations == 2


# ---------------------------------------------------------------------------
# SEND of an Integer builtin (abi.INT_BUILTINS) on fixnums

SEND_OPS = dict(OPS, SEND=_slow)
SEND_ENGINE = NativeEngine(1 << 20, ops=SEND_OPS, counting=True, verify=False, hot_calls=1)
SEND_VM = FakeVM(redefined=0)      # every Integer builtin intact


@functools.cache
def send_site(name: str, argc: int) -> Irep:
    return Irep(nlocals=1, nregs=5, iseq=iseq(("SEND", 1, 0, argc), ("RETURN", 1)), syms=[name])


def run_send(name: str, *words: int) -> tuple[int, int]:
    """(result word, the block slot after the send) of ``R1.name(R2)``."""
    vm = SEND_VM
    ir = send_site(name, len(words) - 1)
    for i in range(ir.nregs):
        vm.stack[i] = abi.TRUE
    for i, w in enumerate(words):
        vm.stack[1 + i] = w & abi.MASK64
    r = SEND_ENGINE.run(vm, Frame(ir))
    return r, vm.stack[1 + len(words)]


def _mruby_int(name: str, x: int, y: int = 0):
    """What mruby 3.1's numeric.c gives for fixnum operands, SLOW where the
    result is not a fixnum or an error must be raised (Python's semantics)."""
    def fix(n):
        return abi.fixnum(n) if abi.fixable(n) else SLOW
    if name == "&":
        return fix(x & y)
    if name == "|":
        return fix(x | y)
    if name == "^":
        return fix(x ^ y)
    if name == "<<":
        return fix(x << y) if 0 <= y <= 63 else SLOW
    if name == ">>":
        return fix(x >> min(y, 63)) if y >= 0 else SLOW
    if name == "%":
        return fix(x - y * (x // y)) if y else SLOW     # floored, as int_mod
    if name == "!=":
        return abi.TRUE if x != y else abi.FALSE
    if name == "<=>":
        return abi.fixnum((x > y) - (x < y))
    if name == "-@":
        return fix(-x)
    if name == "~":
        return fix(~x)
    raise AssertionError(name)


widths = st.one_of(st.integers(-70, 70), fixnums)


@settings(max_examples=150, deadline=None)
@given(x=fixnums, y=fixnums, w=widths)
@pytest.mark.parametrize("name", [n for n, argc in abi.INT_BUILTINS if argc == 1])
def test_int_builtin_send_on_fixnums(name, x, y, w):
    if name in ("<<", ">>"):
        y = w
    r, blk = run_send(name, abi.fixnum(x), abi.fixnum(y))
    assert r == _mruby_int(name, x, y)
    assert blk == (abi.NIL if r != SLOW else abi.TRUE)


@settings(max_examples=150, deadline=None)
@given(x=fixnums)
@pytest.mark.parametrize("name", [n for n, argc in abi.INT_BUILTINS if argc == 0])
def test_int_builtin_unary_send_on_fixnums(name, x):
    assert run_send(name, abi.fixnum(x))[0] == _mruby_int(name, x)


def test_int_builtin_send_leaves_other_receivers_and_redefinitions_to_python():
    one, two = abi.fixnum(1), abi.fixnum(2)
    assert run_send("&", f2w(1.5), two)[0] == SLOW          # a Float receiver
    assert run_send("&", one, abi.NIL)[0] == SLOW           # a non-fixnum argument
    assert run_send("&", one, two)[0] == abi.fixnum(0)
    bit = 1 << abi.INT_BUILTIN_BIT["&"]
    SEND_VM.redefined[0] = bit                              # Integer#& redefined
    try:
        assert run_send("&", one, two)[0] == SLOW
        assert run_send("|", one, two)[0] == abi.fixnum(3)  # the others stay inline
    finally:
        SEND_VM.redefined[0] = 0


def test_other_sends_and_shapes_call_python():
    from translate.compiler import translate_irep
    for name, argc in (("&", 0), ("&", 2), ("-@", 1)):
        tr = translate_irep(send_site(name, argc))
        assert tr.redefinable == () and tr.inline_ops == 1, (name, argc)   # RETURN only
        assert tr.sites == ()
    # any other method: a native call site with an inline cache (a miss, or a
    # callee that is no compiled Ruby, goes to Python)
    tr = translate_irep(send_site("foo", 1))
    assert tr.redefinable == () and tr.inline_ops == 2 and tr.sites == (0,)
    tr = translate_irep(send_site("&", 1))
    assert tr.redefinable == (0,) and tr.inline_ops == 2
