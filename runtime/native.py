"""The ``native`` engine: run ireps as x86-64 code from ``translate``.

``NativeEngine.run(vm, frame)`` is the engine interface of docs/runtime.md:
it runs ``frame.irep`` from ``frame.pc`` and returns the frame's value word.
The first time an irep runs it is translated (``translate.translate_irep``,
only ever for ireps the loader verified) and installed in the code cache;
then its code is called with the frame's register window::

    status = entry(ctx, &R[0], counters, frame.pc)

Generated code does moves, loads, jumps and fixnum/flonum arithmetic and
comparisons itself and calls back (``ctx->op``) into ``_op`` for every
other instruction and every failed guard.  ``_op`` runs the same Python
function the interpreter runs (``runtime.ops.OPS[name](vm, frame, ins)``)
and turns its outcome into a status:

- ``None`` -> ST_NEXT (generated code falls through),
- a pc -> ST_JUMP with ``ctx->pc`` set (generated code jumps through its
  pc table),
- ``OP_RETURN`` -> ST_RETURN (the frame is done; ``frame.retval`` holds
  the value),
- a Python exception (``RubyError``, ``Unwind``...) -> the catch handler
  the VM finds for this pc (ST_JUMP to it), or ST_ERROR, the exception kept
  on the activation; when the code returns ST_ERROR, ``run`` re-raises it
  on the Python side.  Nothing ever propagates through the cffi callback.

Frames are entered through Python (the VM sets the frame up, then calls
``run``); calls between compiled methods go through the VM as well.  An
activation that cannot get code (the cache is full of running methods)
runs in the interpreter instead: both engines share the opcode semantics,
so they cannot disagree.
"""

from __future__ import annotations

import sys
from typing import Optional

from . import abi
from .codecache import CodeCache, Entry, ffi

_NEXT, _JUMP, _RETURN, _ERROR = abi.ST_NEXT, abi.ST_JUMP, abi.ST_RETURN, abi.ST_ERROR


class NativeEngineError(RuntimeError):
    """Generated code reached a state it must never reach (a translator bug)."""


class _Activation:
    __slots__ = ("vm", "frame", "entry", "by_pc", "regs", "exc")
    # by_pc: pc -> Instruction (the VM's IrepRT.by_pc list, or a dict)

    def __init__(self, vm, frame, entry, by_pc, regs):
        self.vm = vm
        self.frame = frame
        self.entry = entry
        self.by_pc = by_pc
        self.regs = regs
        self.exc: Optional[BaseException] = None


class _VMEnv:
    """What the translator asks of the runtime (translate.compiler.TranslateEnv)."""

    def __init__(self, vm):
        self.vm = vm

    def symbol_word(self, name: str) -> Optional[int]:
        try:
            return self.vm.sym(name)
        except Exception:           # noqa: BLE001 - no inline symbol, the slow path will say
            return None


class NativeEngine:
    name = "native"

    def __init__(self, code_cache_size: int = 16 << 20, stats: bool = False, *,
                 counting: Optional[bool] = None, ops: Optional[dict] = None, fallback=None,
                 verify: bool = True):
        self.cache = CodeCache(code_cache_size)
        # with --stats, code counts every instruction it executes (one inc per instruction)
        self.counting = stats if counting is None else counting
        self.verify = verify
        self._ops = ops
        self._fallback = fallback
        self._acts: list[_Activation] = []
        self.ctx = ffi.new("rl_ctx *")
        # kept alive with the engine; should anything escape _op after all, cffi
        # returns ST_ERROR and _stray keeps the exception for run() to raise
        self._stray: Optional[BaseException] = None
        self._cb = ffi.callback("rl_op", self._op, error=abi.ST_ERROR, onerror=self._onerror)
        self.ctx.op = self._cb
        self._ctx_addr = self.ctx
        # figures for --stats
        self.op_calls = 0             # instructions that ran through the Python semantics
        self.translations = 0         # distinct ireps translated
        self.translate_errors = 0
        self.fallback_runs = 0        # activations run by the interpreter instead
        self.native_runs = 0

    # -- lazily bound collaborators --------------------------------------------
    @property
    def ops(self) -> dict:
        if self._ops is None:
            from .ops import OPS
            self._ops = OPS
        return self._ops

    @property
    def fallback(self):
        if self._fallback is None:
            from .interp import InterpEngine
            self._fallback = InterpEngine()
        return self._fallback

    # -- compiling ---------------------------------------------------------------
    def _code_for(self, vm, irep) -> Optional[Entry]:
        entry = self.cache.entry(id(irep))   # the translation keeps the irep (and its id) alive
        if entry.installed:
            return entry
        if entry.translation is None:
            if entry.extra.get("untranslatable"):
                return None
            from riteload.errors import RiteError
            from translate.compiler import translate_irep
            try:
                if self.verify:         # native code only ever comes from verified ireps
                    from riteload.verify import verify_irep
                    verify_irep(irep)
                tr = translate_irep(irep, env=_VMEnv(vm), counting=self.counting)
            except RiteError as e:
                entry.extra["untranslatable"] = str(e)
                self.translate_errors += 1
                return None
            entry.translation = tr
            if self.counting:
                n = max(1, len(irep.instructions))
                counters = ffi.new("uint64_t[]", n)
                entry.extra["counters"] = counters
                entry.extra["counters_addr"] = int(ffi.cast("uintptr_t", counters))
            else:
                entry.extra["counters_addr"] = 0
            self.translations += 1
        if not self.cache.install(entry, entry.translation):
            return None
        return entry

    # -- the engine interface ----------------------------------------------------
    def run(self, vm, frame) -> int:
        entry = self._code_for(vm, frame.irep)
        if entry is None:
            self.fallback_runs += 1
            return self.fallback.run(vm, frame)
        regs = self._stack_address(vm) + 8 * frame.base
        rt = getattr(frame, "rt", None)
        by_pc = rt.by_pc if rt is not None else entry.extra.setdefault(
            "by_pc", {ins.pc: ins for ins in frame.irep.instructions})
        act = _Activation(vm, frame, entry, by_pc, regs)
        self._acts.append(act)
        entry.active += 1
        self.native_runs += 1
        try:
            status = entry.fn(self.ctx, regs, entry.extra["counters_addr"], frame.pc)
        finally:
            entry.active -= 1
            self._acts.pop()
            if self._acts:                      # the caller's window, for its next op
                self.ctx.regs = self._acts[-1].regs
        if status == _RETURN:
            return frame.retval
        if status == _ERROR:
            exc, act.exc = act.exc, None
            if exc is None:
                exc, self._stray = self._stray, None
            if exc is None:
                raise NativeEngineError(f"native code of {frame.irep.path_name} failed "
                                        f"without an exception")
            raise exc
        raise NativeEngineError(f"native code of {frame.irep.path_name} stopped with status "
                                f"{status} at pc {self.ctx.pc}")

    def _stack_address(self, vm) -> int:
        addr = getattr(vm, "_native_stack_address", None)
        if addr is None:
            addr = int(ffi.cast("uintptr_t", vm.stack))
            try:
                vm._native_stack_address = addr
            except AttributeError:
                pass
        return addr

    # -- the callback: Python semantics of one instruction -----------------------
    def _op(self, ctx, pc: int) -> int:
        act = self._acts[-1]
        try:
            self.op_calls += 1
            frame = act.frame
            ins = act.by_pc[pc]
            frame.pc = ins.pc + ins.size          # as the interpreter: ci->pc past the instruction
            try:
                r = self.ops[ins.name](act.vm, frame, ins)
            except BaseException as exc:           # noqa: BLE001 - nothing crosses the callback
                r = self._caught(act, exc)
                if r is None:
                    act.exc = exc
                    return _ERROR
            if r is None:
                return _NEXT
            if r == abi.OP_RETURN:
                return _RETURN
            ctx.pc = r
            return _JUMP
        except BaseException as exc:               # noqa: BLE001 - an unwind passing through
            act.exc = exc
            return _ERROR
        finally:
            ctx.regs = act.regs

    def _onerror(self, exc_type, exc, tb) -> None:
        self._stray = exc if exc is not None else exc_type()

    def _caught(self, act: _Activation, exc: BaseException) -> Optional[int]:
        """Where this frame goes on after ``exc`` (interp.py's rules): a catch
        handler's pc, OP_RETURN, or None when the exception leaves the frame.
        Raises when an unwind passes through."""
        from .errors import RubyError, Unwind
        vm, frame = act.vm, act.frame
        if isinstance(exc, RubyError):
            from .vm import CATCH_FILTER_ALL
            h = vm.find_handler(frame, CATCH_FILTER_ALL)
            if h is None:
                return None
            vm.exc = exc.exc
            return h.target
        if isinstance(exc, Unwind):
            from .interp import handle_unwind
            return handle_unwind(vm, frame, exc)
        return None

    # -- figures -------------------------------------------------------------------
    def executed_counts(self) -> tuple[int, int]:
        """(instructions executed by native code in all, of them through Python)."""
        total = 0
        for e in self.cache.entries.values():
            c = e.extra.get("counters")
            if c is not None:
                total += sum(c)
        return total, self.op_calls

    def stats_lines(self) -> list[str]:
        lines = list(self.cache.stats_lines())
        lines.append(f"native: {self.translations} ireps translated, {self.native_runs} native "
                     f"activations, {self.fallback_runs} run by the interpreter "
                     f"({self.translate_errors} untranslatable)")
        if self.counting:
            total, via_python = self.executed_counts()
            native = total - via_python
            share = 100.0 * native / total if total else 0.0
            lines.append(f"native: {total} instructions executed, {native} stayed in native code "
                         f"({share:.1f}%), {via_python} called into Python")
        else:
            lines.append(f"native: {self.op_calls} instructions called into Python")
        return lines

    def stats_report(self) -> str:
        """What ``riteload run --stats`` prints on stderr."""
        return "".join(line + "\n" for line in self.stats_lines())

    def print_stats(self, file=None) -> None:
        (file or sys.stderr).write(self.stats_report())
