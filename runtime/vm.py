"""The VM: one Ruby world, a façade over the parts of the runtime.

``VM`` inherits one part per seam of mruby's C sources, each in a module of
its own (STYLE.md 14):

- ``runtime/symbols.py``    ``Symbols``     symbol.c    symbol ids and names
- ``runtime/heap.py``       ``Heap``        gc.c        the object table, allocation
- ``runtime/values.py``     ``Values``      object.c    constructors, type tests, conversions
- ``runtime/classes.py``    ``Classes``     class.c     classes, method tables, lookup
- ``runtime/variables.py``  ``Variables``   variable.c  ivars, globals, class vars, constants
- ``runtime/calls.py``      ``Calls``       vm.c        frames, calls, blocks, catch handlers
- ``runtime/backtrace.py``  ``Backtraces``  backtrace.c keeping and unpacking backtraces
- ``runtime/raising.py``    ``Raising``     error.c     making and raising exceptions

This module keeps what ties them together, as mruby's state.c and init.c
do: the fields of one world (``__init__``), the boot of the class tree and
the core library (``_boot``), output, and running a loaded file.  The parts
are mixins, not objects the VM delegates to: ``vm.funcall(...)`` is one
method lookup, as before, and the engines' call path has no extra layer.

Opcode semantics live in ``runtime/ops.py`` and the interpreter loop in
``runtime/interp.py``; the core library's public API is documented in
docs/runtime.md.
"""

from __future__ import annotations

import sys
import weakref

from . import abi, natlogs
from .backtrace import Backtraces
from .calls import Calls
from .cdecls import ffi
from .classes import Classes
from .context import Context, install
from .frames import CALLINFO_MAX, Frame
from .heap import POOL_MAX, Heap, ObjectTable
from .objects import (
    TT_CLASS,
    TT_SCLASS,
    RArray,
    RClass,
    RException,
    RFloat,
    RHash,
    RInteger,
    RObject,
    RProc,
    RRange,
    RString,
)
from .raising import Raising
from .shapes import HandleTable
from .symbols import Symbols
from .values import Values
from .variables import Variables

FALSE = abi.FALSE


class VM(Symbols, Heap, Values, Classes, Variables, Calls, Backtraces, Raising):
    """One Ruby world.  See docs/runtime.md for the API."""

    def __init__(self, engine=None, stdout=None, stderr=None, dialect=None):
        # the root context (runtime/context.py): its register stack, call-info
        # stack, frames, pending exception and arena; ``install`` below puts
        # them on the VM (vm.stack, vm.stack_addr, vm.ci, vm.frames, vm.exc,
        # vm.arena, vm.ci_max), and coroutines switch the VM to their own
        self.root_context = Context(CALLINFO_MAX)
        self.contexts = [self.root_context]     # the live ones (runtime/gc.py marks them)
        self.state = ffi.new("rl_vmstate *")
        self.objects = ObjectTable(self)    # handle -> object (heap.py)
        self.handle_top = 1                 # the next handle never given out
        self.objects_pooled = 0             # --stats (heap.heap_stats_line)
        self.objects_looked_up = 0
        self.free_handles: list = []    # handles freed by the collector, reused first
        # mruby's GC arena: handles allocated since the running builtin (or the
        # running instruction of an interpreted frame) began; runtime/gc.py
        # keeps them.  Truncated when a builtin returns and after each instruction.
        self.arena: list = self.root_context.arena
        from .gc import MIN_THRESHOLD
        self.gc_countdown = MIN_THRESHOLD   # allocations left before the next collection
        self.gc_enabled = True
        self.gc_stress = False              # RITELOAD_GC_STRESS (heap.start_gc_stress)
        self.pool_cap = POOL_MAX            # largest refill of an allocation pool
        self.gc_runs = 0
        self._cw_len = 1 << 12
        self.class_words = ffi.new("uint64_t[]", self._cw_len)
        self.state.class_words = self.class_words
        self.state.class_words_len = self._cw_len
        self.iv_space = HandleTable(self.state, "iv_blocks", self._cw_len)
        self.ary_space = HandleTable(self.state, "ary_blocks", self._cw_len)
        self.str_space = HandleTable(self.state, "str_blocks", self._cw_len)
        self.proc_calls = HandleTable(self.state, "proc_calls", self._cw_len)
        self.env_space = HandleTable(self.state, "env_blocks", self._cw_len)    # natlogs.py
        self.proc_call_blocks: list = []    # Procs' call data (heap.proc_call_data)
        self.proc_calls_free: list = []
        self.alloc_pools: dict = {}         # class -> ready instances (heap.alloc_pool)
        self.native_logs = natlogs.attach(self.state)   # what generated code did (natlogs.py)
        self.proc_pool, self.env_pool = self.closure_pools()    # BLOCK's (heap.py)
        self.env_cell_blocks: list = []     # REnv cells (heap.env_cell)
        self.env_cells_free: list = []
        self.env_buf_blocks: list = []      # the closure pool's env buffers
        self.env_bufs_free: list = []
        self.syms: list[str] = [""]
        self.sym_ids: dict[str, int] = {}
        # the ids mruby 3.1 gives this program's symbols (runtime/symorder.py),
        # for listings in mruby's hash-table order; set when a file is loaded
        self.mruby_syms = None
        self.globals: dict[int, int] = {}
        self.frames: list[Frame] = []
        self.exc = None             # mrb->exc: pending exception/break word for EXCEPT
        install(self, self.root_context)
        self.mcache: dict = {}
        # INT_BUILTINS bits for generated code (abi.py): all set until boot
        # ends and after each method-table change, until refresh_redefined
        self.redefined = ffi.new("uint64_t[2]", [abi.REDEFINED_ALL, 0])
        self.redefined_dirty = True
        self.int_builtins: tuple = ()      # their boot-time entries (record_int_builtins)
        self.int_builtin_eq = None          # Integer#== at boot: BasicObject#!= calls it
        self.not_builtins: tuple = ()       # the ! of nil, false and true at boot
        # modules (and origins) that some chain holds an iclass of:
        # MRB_FL_CLASS_IS_INHERITED, which makes include fix other chains
        self.inherited_modules = weakref.WeakSet()
        self.irep_rts: dict = {}
        self.out = stdout if stdout is not None else sys.stdout.buffer
        self.err = stderr if stderr is not None else sys.stderr.buffer
        self.engine = engine
        # the native engine keeps each frame's env in its call-info record too
        self.envs_in_records = getattr(engine, "name", None) == "native"
        # the method entries runtime/prelude defined: core methods written in
        # Ruby, which the core library may walk directly like its builtins
        self.prelude_methods = set()
        self.script_name = "-"
        self.default_visibility = {}
        self._inspecting = set()
        self.stack_err = None
        self.stats = {}
        # the mruby release this world behaves as (runtime/dialects): mruby 3.1
        # unless the VM is made for a file of another format
        from .dialects import default
        (dialect or default()).apply(self)
        self._boot()
        self.state.ary_pool = self.alloc_pool(self.c_Array)    # for generated ARRAY literals
        self.state.str_pool = self.alloc_pool(self.c_String)   # for generated Strings

    # ------------------------------------------------------------------ boot
    def _boot(self) -> None:
        S = self.intern
        self.SYM_method_missing = S("method_missing")
        self.SYM_mesg = S("mesg")
        self.SYM_backtrace = S("backtrace")
        self.SYM_initialize = S("initialize")
        self.SYM_default = S("default")
        self.SYM_hash = S("hash")
        self.SYM_call = S("call")
        self.SYM_to_proc = S("to_proc")
        self.SYM_inspect = S("inspect")
        self.SYM_to_s = S("to_s")
        self.SYM_eq = S("==")
        self.SYM_aref = S("[]")
        self.SYM_aset = S("[]=")
        self.SYM_plus = S("+")
        self.SYM_minus = S("-")
        self.SYM_mul = S("*")
        self.SYM_div = S("/")
        self.SYM_lt = S("<")
        self.SYM_le = S("<=")
        self.SYM_gt = S(">")
        self.SYM_ge = S(">=")
        self.SYM_method_added = S("method_added")
        self.SYM_singleton_method_added = S("singleton_method_added")
        self.SYM_inherited = S("inherited")

        # the four classes that refer to each other: BasicObject, Object, Module, Class
        bo = RClass(TT_CLASS, None, None, "BasicObject")
        ob = RClass(TT_CLASS, bo, None, "Object")
        mo = RClass(TT_CLASS, ob, None, "Module")
        cl = RClass(TT_CLASS, mo, None, "Class")
        for c in (bo, ob, mo, cl):
            c.instance_type = RObject
            self.alloc(c)
        mo.instance_type = RClass
        cl.instance_type = RClass
        self.c_BasicObject, self.c_Object, self.c_Module, self.c_Class = bo, ob, mo, cl
        prev = None
        for c in (bo, ob, mo, cl):
            meta = RClass(TT_SCLASS, prev.cls if prev is not None else cl, cl)
            meta.attached = c.word
            meta.instance_type = RClass
            self.alloc(meta)
            self.set_class(c, meta)
            prev = c
        for c in (bo, ob, mo, cl):
            ob.ivars[S(c.name)] = c.word

        self.c_Kernel = self.define_module("Kernel")
        self.include_module(ob, self.c_Kernel)
        self.c_Comparable = self.define_module("Comparable")
        self.c_Enumerable = self.define_module("Enumerable")

        def klass(name, sup=None, itype=None):
            c = self.define_class(name, sup or ob)
            if itype is not None:
                c.instance_type = itype
            setattr(self, "c_" + name, c)
            return c

        klass("NilClass")
        klass("TrueClass")
        klass("FalseClass")
        num = klass("Numeric")
        self.include_module(num, self.c_Comparable)
        klass("Integer", num, RInteger)
        klass("Float", num, RFloat)
        klass("Symbol")
        s = klass("String", None, RString)
        self.include_module(s, self.c_Comparable)
        a = klass("Array", None, RArray)
        self.include_module(a, self.c_Enumerable)
        h = klass("Hash", None, RHash)
        self.include_module(h, self.c_Enumerable)
        r = klass("Range", None, RRange)
        self.include_module(r, self.c_Enumerable)
        klass("Proc", None, RProc)
        self.state.proc_class = self.c_Proc.word      # native SENDB's block check
        exc = klass("Exception", None, RException)
        klass("ScriptError", exc)
        klass("NotImplementedError", self.c_ScriptError)
        klass("SyntaxError", self.c_ScriptError)
        klass("NoMemoryError", exc)
        klass("SecurityError", exc)
        klass("SystemStackError", exc)
        se = klass("StandardError", exc)
        klass("RuntimeError", se)
        klass("FrozenError", self.c_RuntimeError)
        klass("ArgumentError", se)
        klass("LocalJumpError", se)
        klass("TypeError", se)
        klass("NameError", se)
        klass("NoMethodError", self.c_NameError)
        klass("IndexError", se)
        klass("KeyError", self.c_IndexError)
        klass("StopIteration", self.c_IndexError)
        klass("RangeError", se)
        klass("FloatDomainError", self.c_RangeError)
        klass("ZeroDivisionError", se)
        klass("FiberError", se)
        klass("RegexpError", se)
        klass("IOError", se)
        klass("EOFError", self.c_IOError)
        klass("NotImplementedError", self.c_ScriptError)
        self.top_self = self.alloc(RObject(ob))
        self.c_Proc_call = None

        from .core import boot_core
        boot_core(self)
        self.dialect.boot(self)
        self.record_int_builtins()

    # ------------------------------------------------------------- hash.c
    def hash_default(self, h: int, key: int) -> int:
        """``hash[key]`` for a missing key (hash.c's default value), which the
        GETIDX fast path of runtime/ops.py needs; like ``_boot``, the façade
        reaches into the core library here."""
        from .core.hash import missing_value
        return missing_value(self, h, key)

    # ---------------------------------------------------------------- output
    def write_out(self, b: bytes) -> None:
        self.out.write(b)

    def flush(self) -> None:
        try:
            self.out.flush()
        except Exception:  # noqa: BLE001 - output already gone  # pragma: no cover
            pass

    # ---------------------------------------------------------------- running
    def setup_program(self, filename: str, argv=()) -> None:
        """What mruby's main() sets before running: ARGV (the program's
        arguments, ``bytes`` or ``str``), ``$DEBUG`` and ``$0`` (the program's
        name as given, ``-`` for standard input, ``-e`` for -e code)."""
        self.define_const(self.c_Object, "ARGV", self.ary_new([self.str_new(a) for a in argv]))
        self.globals[self.intern("$DEBUG")] = FALSE
        self.globals[self.intern("$0")] = self.str_new(filename)

    def run_main(self, rite) -> int:
        """Run the top-level irep of a loaded file; return its value word."""
        self.script_name = rite.filename
        self.mruby_syms = self.new_mruby_symbol_ids()
        self.mruby_syms.load_file(rite)
        return self.exec_irep(rite.irep, self.top_self, self.c_Object, upper=None, base=0)
