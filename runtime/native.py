"""The ``native`` engine: run ireps as x86-64 code from ``translate``.

``NativeEngine.run(vm, frame)`` is the engine interface of docs/runtime.md:
it runs ``frame.irep`` from ``frame.pc`` and returns the frame's value word.
The first time an irep runs it is translated (``translate.translate_irep``,
only ever for ireps the loader verified) and installed in the code cache;
then its code is called with the frame's register window::

    status = entry(ctx, &R[0], counters, frame.pc, frame.n | frame.nk << 8)

Generated code does moves, loads, jumps and fixnum/flonum arithmetic and
comparisons itself and calls back (``ctx->op``) into ``_op`` for every
other instruction and every failed guard.  ``_op`` runs the same Python
function the interpreter runs (``runtime.ops.OPS[name](vm, frame, ins)``)
and turns its outcome into a status:

- ``None`` -> ST_NEXT (generated code falls through),
- a pc -> ST_JUMP with ``ctx->pc`` set (generated code jumps through its
  pc table),
- ``OP_RETURN`` -> ST_RETURN (the frame is done; ``frame.retval`` holds
  the value; an inline RETURN answers ST_RETVAL with the value in
  ``ctx->retval`` instead),
- a Python exception (``RubyError``, ``Unwind``...) -> the catch handler
  the VM finds for this pc (ST_JUMP to it), or ST_ERROR, the exception kept
  on the activation; when the code returns ST_ERROR, ``run`` re-raises it
  on the Python side.  Nothing ever propagates through the callback.

``ctx->op`` is a trampoline of our own (``_make_trampoline``), mapped
read-execute like the code it serves, that calls ``_op(pc)`` through
CPython's C API: no page of the process is ever writable and executable
(a cffi ``ffi.callback`` would be a libffi closure in such a page).

Calls between compiled methods stay in machine code.  A SEND/SSEND with
positional arguments and no block has an inline cache (``rl_site``,
abi.py) keyed on the receiver's class word and the method serial; on a hit
the site pushes the callee's call-info record (``ctx->ci``) and calls the
callee's entry cell directly.  A miss asks ``_fill`` (OPK_FILL), which
looks the method up and, for compiled Ruby, translates the callee and
fills the site; builtins, ``method_missing`` and the rest take the Python
send.  Python learns of natively pushed records only when it must run
something for one of them: ``_sync`` makes a ``Frame`` *view* of each (and
drops those an exception unwound), so ``vm.frames`` is the call-info stack
again before any Python semantics, backtrace, collection or eviction runs.
A view's RETURN goes through Python (``_view_return``); a callee that
fails (ST_ERROR) has its exception raised again in the caller's frame
(OPK_FAILED, ``_callee_failed``), one frame at a time, as ``call_at``
would see it.  Frames the VM sets up (``run``) are entered through Python
as before.  An activation that cannot get code (the cache is full of
running methods) runs in the interpreter instead: both engines share the
opcode semantics, so they cannot disagree.
"""

from __future__ import annotations

import sys
import threading

from . import abi, leaves, natlogs, settings
from .cdecls import libc
from .codecache import CodeCache, ffi
from .execmem import ExecMemory
from .frames import Frame
from .leaves import (
    ARRAY_INLINE,
    HASH_AREF,
    HASH_ASET,
    MATH_LIBM,
    MATH_SQRT,
    NUM_INLINE,
    STRING_INLINE,
    leaf_guard,
    libm_table,
)
from .objects import CONST_SERIAL, TT_CLASS, RArray, RClass, REnv, RException, RObject, RProc
from .shapes import SHAPES, shape_add

_NEXT, _JUMP, _RETURN, _ERROR = abi.ST_NEXT, abi.ST_JUMP, abi.ST_RETURN, abi.ST_ERROR
_RETVAL = abi.ST_RETVAL
_NOT_LEAF = abi.ST_NOT_LEAF

class NativeEngineError(RuntimeError):
    """Generated code reached a state it must never reach (a translator bug)."""


class _Activation:
    """One native run of a frame: ``vm``, ``frame``, ``table`` (pc -> (opcode
    function, Instruction, next pc)) and ``exc`` (the exception an ST_ERROR
    leaves with) and ``mark``, the length of ``vm.arena`` when the frame
    began: after each instruction the callback runs, what it allocated is in
    registers, so the arena is cut back to ``mark`` as the interpreter cuts
    it (otherwise a loop that stays in native code keeps every object it
    ever made alive).  ``run`` fills the slots itself (no __init__: one Python
    call less per Ruby call)."""

    GC_OPAQUE = True    # runtime/gc.py scans no further: it holds no value words

    __slots__ = ("vm", "frame", "table", "leaves", "exc", "mark")


_new_activation = object.__new__
# ctx->op's argument >> DEPTH_SHIFT for a leaf call (OPK_LEAF), less the depth
_LEAF_HERE = abi.OPK_LEAF << (abi.OPK_SHIFT - abi.DEPTH_SHIFT)


class _ThreadState(threading.local):
    """Per thread (each coroutine runs on a thread and a context of its own):
    the innermost activation, the rl_ctx its code uses, the context the
    ctx's stack fields describe, and the Frame views of native records by
    depth (``views[i]`` is valid while record ``i``'s ``view`` is 1)."""

    GC_OPAQUE = True    # runtime/gc.py: live views are in vm.frames, stale ones are garbage

    def __init__(self):
        self.top: _Activation | None = None
        self.ctx = None
        self.context = None
        self.cibase = 0
        self.ciwords = None
        self.views: list = []


class _NotTranslated:
    """The entry of an irep not translated yet (no code-cache entry)."""

    GC_OPAQUE = True    # runtime/gc.py scans no further: it holds no value words

    fn = None
    translation = None
    installed = False


_NOT_TRANSLATED = _NotTranslated()


class _Code:
    """The engine's record of one irep: its cache entry and call tables."""

    GC_OPAQUE = True    # runtime/gc.py scans no further: it holds no value words

    __slots__ = ("entry", "table", "counters", "counters_addr", "error", "calls", "loops",
                 "sites", "sites_addr", "site_of_pc", "leaves")

    def __init__(self, entry, loops: bool):
        self.entry = entry
        self.calls = 0              # activations before it was translated
        self.loops = loops          # has a backward jump: translate on first use
        self.table = None
        self.counters = None
        self.counters_addr = 0
        self.error: str | None = None
        self.sites = None           # the irep's inline caches: rl_site[] (abi.SITE_*)
        self.sites_addr = 0
        self.site_of_pc: dict[int, int] = {}
        self.leaves = {}             # pc -> (builtin, guard) of its SITE_LEAF send (leaves.py)


def _has_loop(irep) -> bool:
    """Does the irep jump backwards (a while/until loop)?"""
    for ins in irep.instructions:
        if ins.name == "JMP":
            off = ins.a
        elif ins.name in ("JMPIF", "JMPNOT", "JMPNIL"):
            off = ins.b
        else:
            continue
        if off >= 0x8000:
            return True
    return False


# the instructions whose Python semantics the engine wraps in generated
# code's tables: opcode -> the NativeEngine method that wraps them
_WRAPPED_OPS = {"BLOCK": "_keying", "LAMBDA": "_keying",
                "ARRAY": "_refilling", "ARRAY2": "_refilling"}


def _no_semantics(vm, frame, ins):
    raise NativeEngineError(f"no Python semantics for {ins.name}")


def _refreshing(fn):
    """The slow path of an instruction whose inline path reads the VM's
    redefinition bits (abi.INT_BUILTINS): bring the bits up to date after a
    method-table change, so the next run of the site can stay inline."""
    def op_refreshing(vm, frame, ins):
        if vm.redefined_dirty:
            vm.refresh_redefined()
        return fn(vm, frame, ins)
    return op_refreshing


class _VMEnv:
    """What the translator asks of the runtime (translate.ctx.TranslateEnv)."""

    def __init__(self, vm, cache: CodeCache):
        self.vm = vm
        self.cache = cache

    def entry_cell(self, irep) -> int | None:
        """The address of ``irep``'s entry cell in the code cache (made
        now if need be: it points at the stub until the irep is compiled)."""
        return self.cache.entry(id(irep)).cell_address

    def symbol_word(self, name: str) -> int | None:
        try:
            return self.vm.sym(name)
        except Exception:           # noqa: BLE001 - no inline symbol, the slow path will say
            return None


class NativeEngine:
    name = "native"

    def __init__(self, code_cache_size: int = 16 << 20, stats: bool = False, *,
                 counting: bool | None = None, ops: dict | None = None, fallback=None,
                 verify: bool = True, hot_calls: int | None = None):
        self._cache_size = code_cache_size
        self._cache: CodeCache | None = None
        # tiering: an irep is translated on its first activation if it loops,
        # else on its ``hot_calls``-th; until then the interpreter runs it
        if hot_calls is None:
            hot_calls = settings.hot_calls()
        self.hot_calls = max(1, hot_calls)
        # with --stats, code counts every instruction it executes (one inc per instruction)
        self.counting = stats if counting is None else counting
        self.verify = verify
        self._ops = ops
        self._fallback = fallback
        # per thread (the runtime runs Enumerator/Fiber bodies in threads of their
        # own): the innermost native activation, and the rl_ctx its code uses
        self._tls = _ThreadState()
        self._codes: dict[int, _Code] = {}
        self._vm = None
        self._libm = libm_table()
        self._redefined = ffi.NULL
        # ctx->op: the Python callback trampoline, made with the code cache
        self._cb = None
        self._trampoline: ExecMemory | None = None
        self._op_callable = None
        self._stray = None
        # figures for --stats
        self.op_calls = 0             # instructions that ran through the Python semantics
        self.translations = 0         # distinct ireps translated
        self.translate_errors = 0
        self.fallback_runs = 0        # activations the interpreter ran: no room or untranslatable
        self.cold_runs = 0            # activations the interpreter ran: not hot yet
        self.interpreted = 0          # instructions those ran (counted with --stats)
        self.native_runs = 0
        self.ic_misses = 0            # inline-cache fills (OPK_FILL)
        self.ic_filled = 0            # of them, fills that found something to do natively
        self.ic_call_fills = 0        # of those, fills for a call (the call then counts)
        self._ctxs: list = []         # every thread's rl_ctx (their native call counts)
        self._builtin_entries = {}    # mid -> MethodEntry of builtin frames sites push (new)
        self._pin = None              # (activation depth, depth) of a fill that installs

    # -- lazily bound collaborators --------------------------------------------
    @property
    def cache(self) -> CodeCache:
        """The code cache, made when the first irep is translated: a program
        that translates nothing imports no assembler and maps no memory."""
        if self._cache is None:
            from translate.compiler import compile_me_stub
            self._cache = CodeCache(self._cache_size, stub=compile_me_stub())
            self._make_trampoline()
        return self._cache

    def _make_trampoline(self) -> None:
        """``ctx->op``: machine code (translate.compiler.python_trampoline)
        that calls ``self._op(pc)`` through CPython's C API, mapped read-execute
        like any translation.  cffi's ``ffi.callback`` would need a libffi
        closure, which libffi places in a page both writable and executable."""
        from translate.compiler import TRAMPOLINE_CALLS, python_trampoline
        self._op_callable = self._op        # its address is in the code: keep it alive
        self._stray = ffi.new("uintptr_t[3]")
        calls = {name: int(ffi.cast("uintptr_t", getattr(libc, name)))
                 for name in TRAMPOLINE_CALLS}
        code = python_trampoline(calls, id(self._op_callable),
                                 int(ffi.cast("uintptr_t", self._stray)))
        mem = self._trampoline = ExecMemory(len(code))
        mem.write(0, code)
        mem.protect_exec()
        self._cb = ffi.cast("rl_op", mem.address)

    def _take_stray(self) -> BaseException | None:
        """The exception the trampoline kept (PyErr_Fetch) when calling
        ``_op`` itself failed: a KeyboardInterrupt before its first line."""
        stray = self._stray
        if stray is None or not stray[0]:
            return None
        t, v, tb = stray[0], stray[1], stray[2]
        stray[0] = stray[1] = stray[2] = 0
        import ctypes
        restore = ctypes.pythonapi.PyErr_Restore     # with the GIL, unlike a cffi call
        restore.argtypes = (ctypes.c_void_p,) * 3
        restore.restype = None
        try:
            restore(t, v, tb)                        # takes the references; ctypes raises it
        except BaseException as exc:                 # noqa: BLE001 - handed to run()
            return exc
        return None

    @property
    def ops(self) -> dict | None:
        """The opcode semantics the engine was made with (tests give their
        own), or None: it runs the VM's dialect's (``_semantics``)."""
        return self._ops

    def _semantics(self, vm) -> tuple:
        """(opcode name -> Python semantics, their specializer) that the
        slow paths of ``vm``'s code run: those the engine was made with
        (tests give a table of their own), else the VM's dialect's (mruby
        3.1's or 4.0's, after the file's format: runtime/dialects)."""
        if self._ops is not None:
            from .ops import specialized
            return self._ops, specialized
        return vm.dialect.ops, vm.dialect.specialize

    @property
    def fallback(self):
        if self._fallback is None:
            from .interp import InterpEngine
            self._fallback = InterpEngine()
            if self.counting:
                self._count_interpreted(self._fallback)
        return self._fallback

    def _count_interpreted(self, interp) -> None:
        """--stats: give the fallback interpreter opcode functions that count,
        for the opcode table of every format a dialect runs."""
        from riteload.versions import VERSIONS

        from .dialects import dialect_for
        tables = getattr(interp, "_ops", None)
        if not isinstance(tables, dict):
            return

        def counted(fn):
            if fn is None:
                return None

            def run_counted(vm, frame, ins):
                self.interpreted += 1
                return fn(vm, frame, ins)
            return run_counted
        for fmt in VERSIONS:
            try:
                fns = dialect_for(fmt).ops_by_number(fmt)
            except (KeyError, LookupError, ValueError):
                continue                # a format no dialect runs
            tables[fmt] = [counted(fn) for fn in fns]

    # -- compiling ---------------------------------------------------------------
    def _install(self, vm, irep, hot: bool = False) -> _Code | None:
        """The irep's code, translated once hot (or now: ``hot``, a native
        call site wants it) and (re)installed if evicted; None when the
        interpreter is to run this activation (not hot yet, cannot be
        translated, or no room in the cache)."""
        key = id(irep)                  # the translation keeps the irep (and its id) alive
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = _Code(_NOT_TRANSLATED, _has_loop(irep))
        if code.error is not None:
            self.fallback_runs += 1
            return None
        entry = code.entry
        if entry.translation is None:
            code.calls += 1
            if not code.loops and code.calls < self.hot_calls and not hot:
                self.cold_runs += 1
                return None
            from riteload.errors import RiteError
            from translate.compiler import translate_irep
            try:
                if self.verify:         # native code only ever comes from verified ireps
                    from riteload.verify import verify_irep
                    verify_irep(irep)
                translation = translate_irep(irep, env=_VMEnv(vm, self.cache),
                                             counting=self.counting)
            except RiteError as e:
                code.error = str(e)
                self.translate_errors += 1
                self.fallback_runs += 1
                return None
            code.entry = entry = self.cache.entry(key)
            entry.translation = translation
            from .interp import op_table
            ops, specialize = self._semantics(vm)
            code.table = op_table(irep, lambda ins: ops.get(ins.name) or _no_semantics,
                                  specialize)
            for pc in entry.translation.redefinable:
                fn, ins, npc = code.table[pc]
                code.table[pc] = code.table[ins.start] = (_refreshing(fn), ins, npc)
            for ins in irep.instructions:
                wrap = _WRAPPED_OPS.get(ins.name)
                if wrap is not None:
                    fn, _, npc = code.table[ins.pc]
                    code.table[ins.pc] = code.table[ins.start] = \
                        (getattr(self, wrap)(fn), ins, npc)
            if self.counting:
                code.counters = ffi.new("uint64_t[]", max(1, len(irep.instructions)))
                code.counters_addr = int(ffi.cast("uintptr_t", code.counters))
            if translation.sites:
                code.sites = ffi.new("uint64_t[]", abi.SITE_WORDS * len(translation.sites))
                code.sites_addr = int(ffi.cast("uintptr_t", code.sites))
                code.site_of_pc = {pc: i for i, pc in enumerate(translation.sites)}
            cell = entry.cell               # what a call through the cell alone reads
            cell[abi.CELL_COUNTERS // 8] = code.counters_addr
            cell[abi.CELL_SITES // 8] = code.sites_addr
            cell[abi.CELL_NREGS // 8] = irep.nregs
            self.translations += 1
        if not entry.installed and not self._install_code(vm, entry):
            self.fallback_runs += 1
            return None
        return code

    @staticmethod
    def _refilling(fn):
        """ARRAY/ARRAY2's slow path (the literal is long, the append log is
        full or the pool of Arrays is empty): the instruction, then the pool
        filled again when it is empty (runtime/heap.py)."""
        def op_refilling(vm, frame, ins):
            r = fn(vm, frame, ins)
            pool = vm.alloc_pool(vm.c_Array)
            if not pool[0]:
                vm.fill_pool(vm.c_Array, pool)
            return r
        return op_refilling

    def _keying(self, fn):
        """BLOCK/LAMBDA's slow path in generated code: give the new Proc its
        call data (``_key_proc``), so a native yield calls it directly, and
        fill the closure pools again when they are empty."""
        def op_keying(vm, frame, ins):
            r = fn(vm, frame, ins)
            if not vm.proc_pool[0] or not vm.env_pool[0]:
                vm.fill_closure_pools()     # for generated code's next BLOCK
            p = vm.objects[vm.stack[frame.base + ins.a] >> abi.OBJECT_SHIFT]
            self._key_proc(vm, p, self.cache.entry(id(p.irep)).cell_address)
            return r
        return op_keying

    def _closure_from_record(self, act: _Activation, vm, depth: int, pc: int) -> int | None:
        """BLOCK or LAMBDA in a frame generated code pushed and Python has no
        Frame of: what ``make_proc`` does, with the caller's env made from
        (or found through) its record, so no view is made or kept.  None
        for any other instruction."""
        rec = vm.ci[depth]
        objects = vm.objects
        up = objects[rec.proc >> abi.OBJECT_SHIFT]
        code = self._codes[id(up.irep)]
        ins = code.table[pc][1]
        name = ins.name
        if name != "BLOCK" and name != "LAMBDA":
            return None
        if rec.env:
            env = objects[ffi.cast("uint64_t *", rec.env)[3] >> abi.OBJECT_SHIFT]
        else:
            env = REnv.from_record(vm, rec, up)
            vm.alloc(env)
            rec.env = vm.env_cell(env)
        p = RProc(vm.c_Proc)
        p.close_over(vm, up, ins.b, env, name == "LAMBDA")
        vm.stack[rec.stack + ins.a] = vm.alloc(p)
        self._key_proc(vm, p, self.cache.entry(id(p.irep)).cell_address)
        arena = vm.arena
        if len(arena) > act.mark:
            del arena[act.mark:]            # the Proc is in a register, the env in the record
        if not vm.proc_pool[0] or not vm.env_pool[0]:
            vm.fill_closure_pools()         # for generated code's next BLOCK
        return _NEXT

    @staticmethod
    def _key_proc(vm, p, entry_cell: int) -> None:
        """Give Proc ``p``, whose code's entry cell is ``entry_cell``, its
        call data (heap.py ``proc_call_data``): a native ``call`` of it (a
        yield) then calls its code directly, whatever site it is made at,
        as OP_CALL does.  Generated code's BLOCK writes the same words
        (translate/templates.py)."""
        env = p.env
        if env is None:
            return
        up = p.upper
        outer = up.env if up is not None else None
        vm.proc_call_data(p, entry_cell, vm.env_cell(env),
                          vm.env_cell(outer) if outer is not None else 0)

    def _install_code(self, vm, entry) -> bool:
        """Install ``entry``'s translation; the code of every frame on a
        call-info stack stays where it is (the cache evicts only chunks none
        of whose methods runs: a native callee's frame is not counted in
        ``entry.active``, so it is pinned here for the time of the install)."""
        pinned = []
        ireps = [f.irep for c in getattr(vm, "contexts", ()) or (vm.context,)
                 for f in (vm.frames if c is vm.context else c.frames)]
        if self._pin is not None:
            # a fill (it makes no views) installs: the natively pushed records count too
            base, depth = self._pin
            for i in range(base + 1, depth + 1):
                ireps.append(vm.objects[vm.ci[i].proc >> abi.OBJECT_SHIFT].irep)
        for irep in ireps:
            code = self._codes.get(id(irep)) if irep is not None else None
            if code is not None and code.entry.installed:
                code.entry.active += 1
                pinned.append(code.entry)
        try:
            return self.cache.install(entry, entry.translation)
        finally:
            for e in pinned:
                e.active -= 1

    # -- the engine interface ----------------------------------------------------
    def run(self, vm, frame) -> int:
        code = self._codes.get(id(frame.irep))
        if code is None or code.entry.fn is None:
            code = self._install(vm, frame.irep)
            if code is None:
                return self.fallback.run(vm, frame)
        entry = code.entry
        if vm is not self._vm:
            self._vm = vm
            self._redefined = vm.redefined
            vm.state.libm = self._libm         # what SITE_LIBM sends call
            if self._tls.ctx is not None:
                self._tls.ctx.redefined = self._redefined
        tls = self._tls
        ctx = tls.ctx
        if ctx is None:
            ctx = tls.ctx = ffi.new("rl_ctx *")
            self._ctxs.append(ctx)
            ctx.op = self._cb
            ctx.redefined = self._redefined
            ctx.state = vm.state
            ctx.const_serial = CONST_SERIAL
        if tls.context is not vm.context:
            self._bind_context(vm, tls, ctx)
        caller = tls.top
        act = tls.top = _new_activation(_Activation)
        act.vm = vm
        act.frame = frame
        act.table = code.table
        act.leaves = code.leaves
        act.exc = None
        act.mark = len(vm.arena)
        entry.active += 1
        self.native_runs += 1
        saved_ci, saved_act = ctx.ci, ctx.act_ci
        ctx.ci = ctx.act_ci = tls.cibase + (frame.index << abi.CI_SHIFT)
        up0, up1 = self._env_cells(vm, frame.proc)          # upvars inline
        rec = frame.index << (abi.CI_SHIFT - 3)
        ciwords = tls.ciwords
        ciwords[rec + abi.CI_UPVARS // 8] = up0
        ciwords[rec + abi.CI_UPVARS1 // 8] = up1
        # the frame's env, for BLOCK (a new one reaches frame.env through natlogs.py's log)
        ciwords[rec + abi.CI_ENV // 8] = vm.env_cell(frame.env) if frame.env is not None else 0
        ciwords[rec + abi.CI_VIEW // 8] = 0
        # what BLOCK reads of its record: n, nk, cci, kind 0, mid; the register base;
        # the target class
        ciwords[rec] = frame.n | frame.nk << 8 | frame.cci << 16 | frame.mid << 32
        ciwords[rec + abi.CI_STACK // 8] = frame.base
        tc = frame.target_class
        ciwords[rec + abi.CI_TARGET_CLASS // 8] = tc.word if tc is not None else 0
        p = frame.proc
        ciwords[rec + abi.CI_PROC // 8] = abi.NIL if p is None else \
            (p.handle << abi.OBJECT_SHIFT) | abi.OBJECT_TAG        # GETCONST's key
        try:
            # vm.stack_addr: the running context's register stack (runtime/context.py)
            status = entry.fn(ctx, vm.stack_addr + 8 * frame.base, code.counters_addr, frame.pc,
                              frame.n | frame.nk << 8, code.sites_addr)
        finally:
            ctx.ci, ctx.act_ci = saved_ci, saved_act
            entry.active -= 1
            tls.top = caller
            if vm.state.logged:
                natlogs.replay(vm)
        if status == _RETVAL:
            v = frame.retval = ctx.retval
            return v
        if status == _RETURN:
            return frame.retval
        if status == _ERROR:
            raise self._failure(act, f"native code of {frame.irep.path_name}")
        raise NativeEngineError(f"native code of {frame.irep.path_name} stopped with status "
                                f"{status} at pc {ctx.pc}")

    def _bind_context(self, vm, tls: _ThreadState, ctx) -> None:
        """Point the ctx at the running context's stacks (once per context)."""
        from .frames import MRB_STACK_MAX
        c = vm.context
        tls.context = c
        tls.cibase = int(ffi.cast("uintptr_t", vm.ci))
        tls.ciwords = ffi.cast("uint64_t *", vm.ci)
        ctx.cibase = tls.cibase
        ctx.ci_limit = tls.cibase + (vm.ci_max << abi.CI_SHIFT)
        ctx.stack = vm.stack_addr
        ctx.stack_limit = vm.stack_addr + 8 * MRB_STACK_MAX
        tls.views = [None] * (vm.ci_max + 2)

    # -- the callback: Python semantics of one instruction -----------------------
    def _op(self, arg: int) -> int:
        """ctx->op: ``arg`` = pc | depth << 32 | kind << 48 (abi.OPK_*).  The
        common case, an instruction of the activation's own frame, takes no
        other Python call; a frame a native call site pushed, a fill and a
        failed callee are sorted out by ``_op_other`` first."""
        act = self._tls.top
        try:
            self.op_calls += 1
            vm = act.vm
            if vm.state.logged:             # Python sees what generated code did
                natlogs.replay(vm)
            frame = act.frame
            if arg >> abi.DEPTH_SHIFT == _LEAF_HERE | frame.index:
                # a leaf call in the activation's own frame, the most frequent
                # callback of loops over Hashes: without _op_other's sorting
                fn, ins, npc = act.table[arg & 0xFFFFFFFF]
                if self._leaf_at(vm, act.leaves, ins, frame.base + ins.a):
                    return _NEXT
                if len(vm.frames) > frame.index + 1:    # no leaf: the instruction runs
                    self._drop(vm.frames, frame.index + 1)
            elif arg >> abi.DEPTH_SHIFT == frame.index:
                fn, ins, npc = act.table[arg & 0xFFFFFFFF]
                if len(vm.frames) > frame.index + 1:
                    self._drop(vm.frames, frame.index + 1)  # views of frames that returned
            else:
                got = self._op_other(act, arg)
                if type(got) is int:
                    return got              # OPK_FILL's answer
                frame, fn, ins, npc = got
            frame.pc = npc                  # as the interpreter: ci->pc past the instruction
            try:
                r = fn(vm, frame, ins)
            except BaseException as exc:    # noqa: BLE001 - nothing crosses the callback
                r = self._caught(vm, frame, exc)
                if r is None:
                    act.exc = exc
                    return _ERROR
            else:
                arena = vm.arena
                if len(arena) > act.mark:
                    del arena[act.mark:]    # what the instruction made is in registers now
            if r is None:
                return _NEXT
            if r < 0:                       # abi.OP_RETURN
                return _RETURN if frame is act.frame else self._view_return(vm, frame)
            self._tls.ctx.pc = r
            return _JUMP
        except BaseException as exc:        # noqa: BLE001 - an unwind passing through
            act.exc = exc
            return _ERROR

    def _op_other(self, act: _Activation, arg: int):
        """The callback for a frame a native call site pushed (made a view
        first), or of kind OPK_FILL (its status) or OPK_FAILED: (frame,
        function, instruction, next pc) for ``_op`` to run."""
        kind = arg >> abi.OPK_SHIFT
        depth = (arg >> abi.DEPTH_SHIFT) & 0xFFFF
        pc = arg & 0xFFFFFFFF
        vm = act.vm
        if kind == abi.OPK_LEAF:
            # in a frame generated code pushed (``_op`` runs its own frame's)
            _, code, ins, base = self._site_at(act, vm, depth, pc)
            return self._leaf(vm, code, ins, base + ins.a)
        if kind == abi.OPK_FILL:
            return self._fill(act, vm, depth, pc)
        if kind == abi.OPK_ALLOC:
            return self._alloc(act, vm, depth, pc)
        if kind == abi.OPK_POP_VIEW:
            return self._pop_new_view(act, vm, depth)
        if kind == abi.OPK_FLUSH:
            return 0                        # _op replayed the logs
        if kind == abi.OPK_STRINGS:
            vm.fill_pool(vm.c_String, vm.alloc_pool(vm.c_String))
            return 0
        if kind == abi.OPK_RUN and not vm.ci[depth].view:
            done = self._closure_from_record(act, vm, depth, pc)
            if done is not None:
                return done
        if kind == abi.OPK_ORPHAN:
            # a native SENDB returned with the orphan log full (_op replayed it)
            vm.orphan_check_at(vm.ci[depth + 1].held, vm.ci[depth].stack)
            return 0
        frame = self._sync(act, vm, depth)
        table = act.table if frame is act.frame else self._codes[id(frame.irep)].table
        fn, ins, npc = table[pc]
        if kind == abi.OPK_FAILED:
            fn = self._callee_failed
        return frame, fn, ins, npc

    def native_roots(self, vm):
        """(register top, words) for the collector: the records of this
        thread's running context that generated code pushed (above the
        activation's frame; Python may have views of some): their registers
        up to the highest window, their procs, target classes, held words
        and envs."""
        tls = self._tls
        ctx = tls.ctx
        if ctx is None or tls.top is None or tls.context is not vm.context:
            return 0, ()
        depth = (ctx.ci - tls.cibase) >> abi.CI_SHIFT
        objects = vm.objects
        top, words = 0, []
        # every record above the activation's frame: a view there may be of a
        # frame that returned natively since, its record used again
        for d in range(tls.top.frame.index + 1, depth + 1):
            rec = vm.ci[d]
            p = rec.proc
            nregs = rec.n + 2
            if p != abi.NIL:
                words.append(p)
                nregs = max(nregs, objects[p >> abi.OBJECT_SHIFT].irep.nregs)
            words.append(rec.target_class)
            words.append(rec.held)
            if rec.env:
                words.append(ffi.cast("uint64_t *", rec.env)[3])
            top = max(top, rec.stack + nregs)
        return top, words

    def _alloc(self, act: _Activation, vm, depth: int, pc: int) -> int:
        """OPK_ALLOC: the SITE_NEW send at ``pc`` found its class's
        allocation pool empty (heap.py): allocate its object into
        ctx->retval and fill the pool again; 1 when Python's Class#new must
        run instead.  No Frame views: a collection finds the native records
        through ``native_roots``."""
        _, _, ins, base = self._site_at(act, vm, depth, pc)
        cls = vm.objects[vm.stack[base + ins.a] >> abi.OBJECT_SHIFT]
        try:
            w = vm.refill_pool(cls, vm.alloc_pool(cls))
        except Exception:               # noqa: BLE001 - the Python Class#new will say
            return 1
        del vm.arena[act.mark:]         # generated code stores it in R[a] at once
        self._tls.ctx.retval = w
        return 0

    def _leaf(self, vm, code: _Code, ins, i: int) -> int:
        """OPK_LEAF in a frame generated code pushed: ST_NEXT or ST_NOT_LEAF
        (``_leaf_at``)."""
        return _NEXT if self._leaf_at(vm, code.leaves, ins, i) else _NOT_LEAF

    @staticmethod
    def _leaf_at(vm, table: dict, ins, i: int) -> bool:
        """OPK_LEAF (R[a] at stack index ``i``): GETIDX, SETIDX or the
        builtin a SITE_LEAF send's cache holds (``table``: its code's
        ``leaves``), run when runtime/leaves.py finds the call a leaf (no
        Ruby code, no error, no frames): True, its value in R[a]; False
        when it is not one (the instruction runs).  An Array receiver
        without a native block gets one first (natarray.py: generated code
        reads its elements from now on).  What it allocated is in R[a] (or
        the receiver) when the arena forgets it."""
        st = vm.stack
        w = st[i]
        if w & abi.OBJECT_MASK == abi.OBJECT_TAG:
            o = vm.objects[w >> abi.OBJECT_SHIFT]
            if type(o) is RArray and o.items._blk is None:
                o.items.publish(vm.ary_space, o.handle)
        arena = vm.arena
        mark = len(arena)
        try:
            name = ins.name
            if name == "GETIDX":
                return leaves.getidx(vm, st, i)
            if name == "SETIDX":
                return leaves.setidx(vm, st, i)
            fn, guard = table.get(ins.pc, (None, None))
            if fn is HASH_AREF or fn is HASH_ASET:
                # a send of Hash#[] or #[]= has GETIDX's or SETIDX's registers
                return leaves.getidx(vm, st, i) if fn is HASH_AREF else leaves.setidx(vm, st, i)
            if fn is None:
                return False
            args = [st[i + 1 + k] for k in range(ins.c & 0xF)]
            if not guard(vm, w, args):
                return False
            st[i] = fn(vm, w, args, abi.NIL)
            return True
        finally:
            del arena[mark:]

    def _site_at(self, act: _Activation, vm, depth: int, pc: int):
        """(proc, code, instruction, register base) of the instruction at
        ``pc`` in the frame whose record is at ``depth``, read from the
        record when Python has no Frame of it."""
        if depth == act.frame.index:
            proc, base = act.frame.proc, act.frame.base
        else:
            rec = vm.ci[depth]
            proc, base = vm.objects[rec.proc >> abi.OBJECT_SHIFT], rec.stack
        code = self._codes[id(proc.irep)]
        return proc, code, code.table[pc][1], base

    def _pop_new_view(self, act: _Activation, vm, depth: int) -> int:
        """OPK_POP_VIEW: a SITE_NEW send's ``new`` record (at depth + 1) was
        popped natively, but Python had made a Frame of it: drop that Frame."""
        if len(vm.frames) > depth + 1:
            self._drop(vm.frames, depth + 1)
        vm.ci[depth + 1].view = 0
        return 0

    def _failure(self, act: _Activation, what: str) -> BaseException:
        """The exception native code that returned ST_ERROR left (taken
        from the activation, or a stray one the trampoline kept); a
        NativeEngineError naming ``what`` when there is none."""
        exc, act.exc = act.exc, None
        if exc is None:
            exc = self._take_stray()
        if exc is None:
            exc = NativeEngineError(f"{what} failed without an exception")
        return exc

    def _callee_failed(self, vm, frame, ins):
        """OPK_FAILED: the native callee of the send ``ins`` left with
        ST_ERROR; what ``call_at`` would see: its exception, raised here (a
        ``break`` to this frame's block ends the send with its value)."""
        from .errors import BreakUnwind
        exc = self._failure(self._tls.top,
                            f"native callee at pc {ins.pc} of {frame.irep.path_name}")
        if isinstance(exc, BreakUnwind) and exc.proc.upper is frame.proc \
                and frame.proc is not None:
            vm.stack[frame.base + ins.a] = exc.value
            return None
        raise exc

    def _sync(self, act: _Activation, vm, depth: int):
        """Make ``vm.frames`` the call-info stack again, up to the record at
        ``depth``: drop the Frames of records natively popped since (an
        exception left them), make a view of each record natively pushed
        since, and bring the pc of the frame below them up to date (its code
        stored it in its record before calling).  Returns the frame at
        ``depth``."""
        frames = vm.frames
        base = act.frame.index
        if depth <= base:
            if len(frames) > base + 1:
                self._drop(frames, base + 1)
            return act.frame
        tls = self._tls
        views = tls.views
        ci = vm.ci
        d = depth
        while d > base:
            if ci[d].view and d < len(frames) and frames[d] is views[d]:
                break
            d -= 1
        if d == depth:
            if len(frames) > depth + 1:
                self._drop(frames, depth + 1)
            return frames[depth]
        if len(frames) > d + 1:
            self._drop(frames, d + 1)
        frames[d].pc = ci[d].pc
        objects = vm.objects
        for i in range(d + 1, depth + 1):
            rec = ci[i]
            tc = rec.target_class
            if rec.proc == abi.NIL:
                # a native Class#new's frame (SITE_NEW): a builtin's, as call_at makes it
                f = Frame(rec.mid, None, rec.stack, rec.n, rec.nk, None)
                f.method = self._builtin_entries.get(rec.mid)
                f.nregs = rec.n + 2
                f.index = i
                f.pc = rec.pc
                frames.append(f)
                views[i] = f
                rec.view = 1
                continue
            proc = objects[rec.proc >> abi.OBJECT_SHIFT]
            f = Frame(rec.mid, proc, rec.stack, rec.n, rec.nk,
                      objects[tc >> abi.OBJECT_SHIFT] if tc else None)
            if rec.env:                     # its env (rl_callinfo.env)
                f.env = objects[ffi.cast("uint64_t *", rec.env)[3] >> abi.OBJECT_SHIFT]
            irep = f.irep = proc.irep
            rt = proc.rt
            if rt is None:
                rt = proc.rt = vm.irep_rt(irep)
            f.rt = rt
            nr = irep.nregs
            f.nregs = nr if nr > rec.n + 2 else rec.n + 2
            f.index = i
            f.pc = rec.pc
            frames.append(f)
            views[i] = f
            rec.view = 1
        return frames[depth]

    @staticmethod
    def _drop(frames: list, keep: int) -> None:
        """Pop the Frames of records an exception unwound natively; their
        envs get their registers (still intact) copied out, as pop_frame does."""
        while len(frames) > keep:
            g = frames.pop()
            if g.env is not None:
                g.env.unshare()

    def _view_return(self, vm, frame) -> int:
        """A natively called frame returned through Python (RETURN with an
        ensure clause, or a frame Python holds): pop it as run_irep would and
        hand its value to the native caller."""
        vm.pop_frame(frame)
        vm.ci[frame.index].view = 0
        self._tls.ctx.retval = frame.retval
        return _RETVAL

    def _fill(self, act: _Activation, vm, depth: int, pc: int) -> int:
        """OPK_FILL: fill the inline cache of the send at ``pc`` (of the frame
        at ``depth``) for the receiver in its register; 0 when it now names
        compiled Ruby code to call, 1 when the site must run the Python send.
        It makes no Frame views: it reads the caller from its record."""
        self.ic_misses += 1
        try:
            return self._fill_site(act, vm, depth, pc)
        except Exception:               # noqa: BLE001 - the Python send will say
            return 1

    def _fill_site(self, act: _Activation, vm, depth: int, pc: int) -> int:
        proc, code, ins, base = self._site_at(act, vm, depth, pc)
        idx = code.site_of_pc[pc]
        st = vm.stack
        name = ins.name
        if name == "GETIV" or name == "SETIV":
            return self._fill_ivar(vm, code.sites, idx * abi.SITE_WORDS, st[base],
                                   vm.intern(proc.irep.syms[ins.b]), name == "SETIV")
        if name == "GETCONST":
            return self._fill_const(vm, code.sites, idx * abi.SITE_WORDS, proc,
                                    vm.intern(proc.irep.syms[ins.b]))
        if name == "GETIDX":
            return self._fill_getidx(act, vm, code, idx * abi.SITE_WORDS, st[base + ins.a],
                                     depth)
        self_call = name == "SSEND" or name == "SSENDB" or name == "SSEND0"
        block = name == "SENDB" or name == "SSENDB"
        recv = st[base] if self_call else st[base + ins.a]
        if recv & 1:
            key, cls = abi.SITE_FIXNUM, vm.c_Integer
        elif recv & abi.FLONUM_MASK == abi.FLONUM_TAG:
            key, cls = abi.SITE_FLONUM, vm.c_Float
        else:
            cls = vm.objects[recv >> abi.OBJECT_SHIFT].cls
            key = vm.class_words[recv >> abi.OBJECT_SHIFT]
        site = code.sites
        w = idx * abi.SITE_WORDS
        site[w + abi.SITE_KLASS // 8] = key
        site[w + abi.SITE_SERIAL // 8] = vm.redefined[abi.METHOD_SERIAL]
        site[w + abi.SITE_CELL // 8] = 0
        site[w + abi.SITE_FLAGS // 8] = 0
        name = proc.irep.syms[ins.b]
        mid = vm.intern(name)
        m, owner = vm.find_method(cls, mid)
        if m is not None and m.visibility != "public" and not self_call:
            return 1                    # Python says NoMethodError (or checks protected)
        if block:
            # with a block: compiled Ruby only (or the prelude's variant of a builtin)
            if m is None:
                return 1
            return self._fill_call(act, vm, code, w, m.proc_for(vm, cls), owner,
                                   m.alias_mid or mid, depth, ins.c & 0xF)
        ivar = getattr(m.fn, "ivar", None) if m is not None and m.fn is not None else None
        if ivar is not None:
            # attr_reader/attr_writer: GETIV/SETIV on the receiver, in the send
            if (ins.c & 0xF) != (1 if ivar[1] else 0):
                return 1                # Python raises the ArgumentError
            return self._fill_ivar(vm, site, w, recv, ivar[0], ivar[1], send=True)
        num = NUM_INLINE.get(name) if m is not None and (ins.c & 0xF) == 0 else None
        if num is not None and m.fn is num[key != abi.SITE_FIXNUM] and m.fn is not None:
            site[w + abi.SITE_FLAGS // 8] = abi.SITE_NUM    # a conversion of the number, inline
            site[w + abi.SITE_IV_SLOT // 8] = abi.NUM_INLINE_SENDS[name]
            self.ic_filled += 1
            return 0
        guard = leaf_guard(m.fn, ins.c & 0xF) if m is not None and m.fn is not None else None
        if guard is not None:
            code.leaves[pc] = (m.fn, guard)     # OPK_LEAF runs it when guard() allows
            inline = ARRAY_INLINE.get(name)
            flags = abi.SITE_LEAF
            if inline is not None and inline[0] is m.fn:
                flags |= abi.SITE_ARY               # inline on the array's block
                site[w + abi.SITE_IV_SLOT // 8] = inline[1]
            elif STRING_INLINE.get(name) is m.fn and (name == "<<" or key == abi.SITE_FIXNUM):
                flags |= abi.SITE_STR               # inline on String blocks (natstring.py)
            elif name == "sqrt" and m.fn is MATH_SQRT:
                flags |= abi.SITE_SQRT
            elif MATH_LIBM.get(name) is m.fn:
                flags |= abi.SITE_LIBM              # the C library's function, inline
            site[w + abi.SITE_FLAGS // 8] = flags
            self.ic_filled += 1
            return 0
        if m is not None and name == "new" and m.fn is not None:
            return self._fill_new(act, vm, code, w, m, mid, recv, depth, ins.c & 0xF)
        if m is not None and m.special is not None:
            # only a site named call checks the receiver word (templates._native_call)
            if name not in ("call", "[]") or recv & 1:
                return 1
            return self._fill_proc_call(act, vm, code, w, m, recv, depth, ins.c & 0xF)
        if m is None or m.special is not None:
            return 1
        # an alias proc's record is named after the original (4.0)
        return self._fill_call(act, vm, code, w, m.proc_for(vm, cls), owner,
                               m.alias_mid or mid, depth, ins.c & 0xF)

    def _fill_getidx(self, act: _Activation, vm, code: _Code, w: int, recv: int,
                     depth: int) -> int:
        """GETIDX of a Proc (templates._getidx_proc): the site calls Procs
        while Proc#[] is the builtin Proc#call; 1 otherwise."""
        if recv & abi.OBJECT_MASK != abi.OBJECT_TAG:
            return 1
        h = recv >> abi.OBJECT_SHIFT
        site = code.sites
        site[w + abi.SITE_KLASS // 8] = vm.class_words[h]
        site[w + abi.SITE_SERIAL // 8] = vm.redefined[abi.METHOD_SERIAL]
        site[w + abi.SITE_CELL // 8] = 0
        site[w + abi.SITE_FLAGS // 8] = 0
        m, _ = vm.find_method(vm.objects[h].cls, vm.intern("[]"))
        if m is None or m.special is None:
            return 1
        return self._fill_proc_call(act, vm, code, w, m, recv, depth, 1)

    def _fill_call(self, act: _Activation, vm, code: _Code, w: int, proc, owner, mid: int,
                   depth: int, n: int) -> int:
        """The site calls ``proc``'s compiled code (a Ruby method found in
        ``owner``) with ``n`` arguments; 1 when there is none."""
        irep = proc.irep if proc is not None else None
        if irep is None:
            return 1
        callee = self._compiled(act, vm, irep, depth)
        if callee is None:
            return 1
        return self._aim_site(code.sites, w, callee, proc.word, owner.word,
                              max(irep.nregs, n + 2), mid, 0)

    def _aim_site(self, site, w: int, callee: _Code, proc: int, target_class: int, nregs: int,
                  mid: int, flags: int) -> int:
        """Point the site at ``w`` at ``callee``'s code, the fields every
        compiled call reads (its record's proc, target class, method name,
        register count; the flags of its kind); the entry cell goes in last.
        0: the fill's answer."""
        site[w + abi.SITE_COUNTERS // 8] = callee.counters_addr
        site[w + abi.SITE_SITES // 8] = callee.sites_addr
        site[w + abi.SITE_PROC // 8] = proc
        site[w + abi.SITE_TARGET_CLASS // 8] = target_class
        site[w + abi.SITE_NREGS // 8] = nregs
        site[w + abi.SITE_MID // 8] = mid
        site[w + abi.SITE_FLAGS // 8] = flags
        site[w + abi.SITE_CELL // 8] = callee.entry.cell_address
        self.ic_filled += 1
        self.ic_call_fills += 1
        return 0

    def _compiled(self, act: _Activation, vm, irep, depth: int) -> _Code | None:
        """The callee's code, translated now if need be (the frames up to
        ``depth`` keep their code meanwhile), or None when it cannot be."""
        callee = self._codes.get(id(irep))
        if callee is None or callee.entry.fn is None:
            self._pin = (act.frame.index, depth)
            try:
                callee = self._install(vm, irep, hot=True)
            finally:
                self._pin = None
        return callee

    def _fill_new(self, act: _Activation, vm, code: _Code, w: int, m, mid: int, recv: int,
                  depth: int, n: int) -> int:
        """``Class#new`` of a class whose instances are plain objects, whose
        ``allocate`` is the builtin and whose ``initialize`` is compiled
        Ruby: the site takes the object from the class's allocation pool
        (heap.py; OPK_ALLOC when it is empty) and calls initialize's
        code under a ``new`` record (mruby 3.1's Class#new is a frame of its
        own, new_iseq), keyed on the class itself (SITE_SELF)."""
        from .core.classes import cls_allocate, cls_new
        if m.fn is not cls_new or recv & abi.OBJECT_MASK != abi.OBJECT_TAG:
            return 1
        c = vm.objects[recv >> abi.OBJECT_SHIFT]
        if type(c) is not RClass or c.tt != TT_CLASS or (c.instance_type or RObject) is not RObject:
            return 1
        am, _ = vm.find_method(vm.class_of(recv), vm.intern("allocate"))
        im, owner = vm.find_method(c, vm.SYM_initialize)
        if am is None or am.fn is not cls_allocate or im is None or im.proc is None:
            return 1
        irep = im.proc.irep
        if irep is None:
            return 1
        callee = self._compiled(act, vm, irep, depth)
        if callee is None:
            return 1
        site = code.sites
        self._builtin_entries[mid] = m
        site[w + abi.SITE_OUTER_MID // 8] = mid
        site[w + abi.SITE_SELF // 8] = recv
        site[w + abi.SITE_POOL // 8] = int(ffi.cast("uintptr_t", vm.alloc_pool(c)))
        return self._aim_site(site, w, callee, im.proc.word, owner.word, max(irep.nregs, n + 2),
                              vm.SYM_initialize, abi.SITE_NEW)

    def _fill_ivar(self, vm, site, w: int, recv: int, sid: int, store: bool,
                   send: bool = False) -> int:
        """The ivar cache of GETIV/SETIV or of an attr_reader/attr_writer send
        (``send``) for ``recv``'s block as it is: 0 when the fast path now
        reads or writes the variable, 1 when only Python can (no block, a
        variable not set yet, a frozen object, a block too small)."""
        if recv & abi.OBJECT_MASK != abi.OBJECT_TAG:
            return 1
        o = vm.objects[recv >> abi.OBJECT_SHIFT]
        if (type(o) is not RObject and type(o) is not RException) or o._blk is None:
            return 1
        blk = o._blk
        shape = SHAPES[blk[0]]
        i = shape.index.get(sid)
        nxt = shape
        if store:
            if i is None:
                nxt = shape_add(shape, sid)
                i = len(nxt.names) - 1
            if i >= blk[1]:             # frozen (0) or full: Python grows it or raises
                return 1
        elif i is None:
            return 1
        site[w + abi.SITE_IV_SHAPE // 8] = shape.id
        site[w + abi.SITE_IV_NEXT // 8] = nxt.id
        site[w + abi.SITE_IV_SLOT // 8] = i
        if send:
            site[w + abi.SITE_FLAGS // 8] = abi.SITE_IVAR_WRITER if store else abi.SITE_IVAR_READER
            site[w + abi.SITE_CELL // 8] = 0
        self.ic_filled += 1
        return 0

    def _fill_const(self, vm, site, w: int, proc, sid: int) -> int:
        """GETCONST's cache: the constant the frame's proc sees now, found
        without ``const_missing`` (which only Python may call)."""
        if proc is None or proc.target_class is None:
            return 1                    # the frame's target class decides: Python
        v = vm.const_find_lexical(proc, None, sid)[0]
        if v is None:
            return 1
        site[w + abi.SITE_SERIAL // 8] = CONST_SERIAL[0]
        site[w + abi.SITE_PROC // 8] = (proc.handle << abi.OBJECT_SHIFT) | abi.OBJECT_TAG
        site[w + abi.SITE_VALUE // 8] = v
        self.ic_filled += 1
        return 0

    def _fill_proc_call(self, act: _Activation, vm, code: _Code, w: int, m, recv: int,
                        depth: int, n: int) -> int:
        """A ``call`` of a Proc with Ruby code and an env (a ``yield`` is
        BLKPUSH + SEND :call): what proc_call_special (OP_CALL) does.  The
        site (keyed on the class Proc and the method serial) calls whatever
        Proc it is given through that Proc's call data (``_key_proc``):
        its code, its env's self as R[a], the frame named and placed as its
        env says, its upvars of level 0 and 1 through the env cells."""
        from .core.proc import proc_call_special
        if m.special is not proc_call_special:
            return 1
        p = vm.objects[recv >> abi.OBJECT_SHIFT]
        if type(p) is not RProc or p.irep is None or p.env is None:
            return 1
        callee = self._compiled(act, vm, p.irep, depth)
        if callee is None:
            return 1
        self._key_proc(vm, p, callee.entry.cell_address)
        site = code.sites
        site[w + abi.SITE_FLAGS // 8] = abi.SITE_PROC_CALL
        site[w + abi.SITE_CELL // 8] = callee.entry.cell_address
        self.ic_filled += 1
        self.ic_call_fills += 1
        return 0

    @staticmethod
    def _env_cells(vm, proc) -> tuple[int, int]:
        """The env cells (REnv.cell) through which a frame running ``proc``
        reaches its upvars of level 0 and 1 inline: the envs of ``proc`` and
        of its upper proc (GETUPVAR, SETUPVAR and BLKPUSH check the index
        against the env's length; 0: no env, Python)."""
        cells = [0, 0]
        p = proc
        for level in (0, 1):
            if p is None:
                break
            if p.env is not None:
                cells[level] = vm.env_cell(p.env)
            p = p.upper
        return cells[0], cells[1]

    def _caught(self, vm, frame, exc: BaseException) -> int | None:
        """Where this frame goes on after ``exc`` (interp.py's rules): a catch
        handler's pc, OP_RETURN, or None when the exception leaves the frame.
        Raises when an unwind passes through."""
        from .errors import RubyError, Unwind
        from .interp import handle_raise, handle_unwind
        if isinstance(exc, RubyError):
            return handle_raise(vm, frame, exc)
        if isinstance(exc, Unwind):
            return handle_unwind(vm, frame, exc)
        return None

    # -- figures -------------------------------------------------------------------
    def executed_counts(self) -> tuple[int, int]:
        """(instructions executed by native code in all, of them through Python)."""
        total = 0
        for code in self._codes.values():
            if code.counters is not None:
                total += sum(code.counters)
        return total, self.op_calls

    def stats_lines(self) -> list[str]:
        lines = list(self.cache.stats_lines())
        lines.append(f"native: {self.translations} ireps translated, {self.native_runs} native "
                     f"activations, {self.cold_runs} interpreted before their irep was hot, "
                     f"{self.fallback_runs} interpreted for want of code "
                     f"({self.translate_errors} untranslatable)")
        if self.counting:
            total, via_python = self.executed_counts()
            native = total - via_python
            share = 100.0 * native / total if total else 0.0
            lines.append(f"native: {total} instructions executed by native code, {native} stayed "
                         f"in native code ({share:.1f}%), {via_python} called into Python")
            every = total + self.interpreted
            share_all = 100.0 * native / every if every else 0.0
            lines.append(f"native: {self.interpreted} instructions interpreted; of all {every} "
                         f"executed, {share_all:.1f}% stayed in native code")
            calls = sum(c.calls for c in self._ctxs)
            entered = self.native_runs + self.cold_runs + self.fallback_runs
            lines.append(f"native: {calls} calls made natively, {entered} entered through "
                         f"Python; inline caches: {calls - self.ic_call_fills} hits, "
                         f"{self.ic_misses} misses")
            # a crossing is one cffi transition: a callback out of generated code
            # (ctx->op) or a call into it (one per native activation)
            crossings = self.op_calls + self.native_runs
            per_k = 1000.0 * crossings / total if total else 0.0
            lines.append(f"native: {crossings} crossings ({self.op_calls} callbacks into Python, "
                         f"{self.native_runs} calls into native code), {per_k:.1f} per 1000 "
                         f"instructions executed by native code")
        else:
            lines.append(f"native: {self.op_calls} instructions called into Python")
        return lines

    def stats_report(self) -> str:
        """What ``riteload run --stats`` prints on stderr."""
        return "".join(line + "\n" for line in self.stats_lines())

    def print_stats(self, file=None) -> None:
        (file or sys.stderr).write(self.stats_report())
