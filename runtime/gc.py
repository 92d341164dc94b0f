"""Reclaiming heap objects: a stop-the-world mark and sweep over the object table.

Objects are Python objects in ``vm.objects`` (index = handle); a word names
its object by handle, so an object may only leave the table when no word and
no Python reference the runtime can see still points at it.

Roots:
- every live execution context (``vm.contexts``, runtime/context.py: the
  root one and those of the coroutines running Fibers and external
  Enumerators, suspended ones included): the registers of its frames
  (its register stack up to the last register of its frames, plus ``SLACK``
  words for the running context, where arguments are placed before their
  frame is pushed), its live frames (proc, env, target class, method
  entry), its arena and its pending exception;
- every class and module (never freed) with its constants, class variables,
  class-level instance variables and method tables (method procs);
- globals, ``vm.exc``, the preallocated SystemStackError, the main object;
- the arenas (``vm.arena``, mruby's GC arena, one per context): every
  object allocated since the running builtin began, or since the running
  instruction of an interpreted frame began, and the results Ruby methods
  returned to Python; it covers Python temporaries (a list being built, an
  argument being evaluated) that no variable names, in suspended coroutines
  too, since each context keeps its own;
- the locals of every Python frame of this VM's threads (the thread that
  collects and the coroutine threads of its Fibers and external Enumerators,
  tagged ``riteload_vm``): the words a builtin
  holds in Python variables while it calls back into Ruby (block results);
- anything else reachable from ``vm.__dict__`` and from the module globals of
  ``runtime.core``.

An object generated code made that Python never looked up (a plain
object, an Array literal: runtime/heap.py's ObjectTable) is marked from its
native block without making its Python object; a String generated code
owns holds no words and is marked alone.

Payloads the runtime does not know (``RData.data``, Python closures of
builtin procs, unwind objects parked in registers) are scanned conservatively:
an int that is the word of a live object keeps that object, a Python
reference to a heap object keeps it.  Conservative scanning only ever keeps
too much, never too little.

Collection runs from ``VM.alloc`` once the number of allocations since the
last collection reaches the threshold (at least MIN_THRESHOLD, and at least
the number of objects that survived the last one).  A freed object's handle
is reset to 0, so a forgotten Python reference to it fails loudly instead of
aliasing the next object allocated in its slot.
"""

from __future__ import annotations

import sys
import threading
import types
from array import array

from riteload.model import CatchHandler, Instruction, Irep, PoolValue

from . import abi, kernels, settings
from .abi import ARY_HDR, IV_HDR, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .cdecls import ffi
from .context import Context
from .frames import IrepRT
from .natarray import free_literal_blocks
from .natstring import free_string_blocks
from .objects import (
    CONST_SERIAL,
    RArray,
    RBasic,
    RBreak,
    RClass,
    RData,
    REnv,
    RException,
    RFloat,
    RHash,
    RInteger,
    RObject,
    RProc,
    RRange,
    RString,
)
from .shapes import SHAPES, block_address, free_blocks, iv_words, release

# allocations before the first collection (RITELOAD_GC_THRESHOLD overrides it:
# a small value makes every test a stress test of the collector)
MIN_THRESHOLD = settings.gc_threshold()

_SKIP_VM_ATTRS = frozenset(("objects", "stack", "ci", "state", "class_words", "iv_space",
                            "ary_space", "str_space", "proc_calls", "proc_call_blocks",
                            "proc_calls_free", "native_logs", "alloc_pools", "syms",
                            "env_cell_blocks", "env_cells_free", "env_buf_blocks",
                            "env_bufs_free", "lazy_closures",
                            "sym_ids", "mcache", "irep_rts", "out", "err", "engine",
                            "free_handles", "arena", "context", "root_context",
                            "contexts", "stack_addr", "ci_max",
                            # counters, whose numbers would pass for object words
                            "handle_top", "gc_countdown", "gc_runs"))
# registers past the running context's top frame that are still marked: a
# call places the receiver, arguments and block there before it pushes the
# callee's frame (at most CALL_MAXARGS + 3 of them)
SLACK = 64
_LEAF = (str, bytes, bytearray, float, bool, type(None), types.FunctionType,
         types.BuiltinFunctionType, type, types.ModuleType, Irep, IrepRT, Instruction,
         CatchHandler, PoolValue, types.CodeType)


class Marker:
    def __init__(self, vm):
        self.vm = vm
        self.objects = vm.objects
        self.n = vm.handle_top
        self.marked = bytearray(self.n)
        self.pooled = set()         # handles in allocation pools: marked first, never made
        # the Strings generated code owns (natstring.py): they hold no
        # words, so marking one needs no Python object of it
        self.strings = vm.str_space.blocks
        # a plain object or Array literal Python never saw is marked from its
        # native block, without making its Python object (heap.ObjectTable)
        self.class_words = vm.class_words
        self.iv_blocks = vm.iv_space.blocks
        self.ary_blocks = vm.ary_space.blocks
        self.lazy = vm.lazy_closures
        self.words_todo = []
        self.todo = []
        self.seen_py = {id(vm), id(vm.objects), id(vm.stack), id(vm.engine)}
        for rt in vm.irep_rts.values():
            if rt.native is not None:
                self.seen_py.add(id(rt.native))
                if isinstance(rt.native, tuple) and len(rt.native) > 1:
                    self.seen_py.add(id(rt.native[1]))

    # -- marking words and objects
    def word(self, w) -> None:
        if w & OBJECT_MASK == OBJECT_TAG:
            h = w >> OBJECT_SHIFT
            if 0 < h < self.n and not self.marked[h]:
                if self.strings[h]:
                    self.marked[h] = 1
                    return
                if dict.get(self.objects, h) is None and self.unseen(h):
                    return
                o = self.objects[h]     # made now if generated code made it (heap.ObjectTable)
                if o is not None:
                    self.marked[h] = 1
                    self.todo.append(o)

    def unseen(self, h: int) -> bool:
        """Mark the object of handle ``h``, which has no Python object, from
        its native block when it is a plain object or an Array literal (its
        words go on ``words_todo``); False for anything else (a closure,
        a free handle), which ``word`` looks up as before."""
        cw = self.class_words[h]
        if not cw or h in self.lazy:
            return False
        addr = self.ary_blocks[h]
        if addr:
            blk = ffi.cast("uint64_t *", addr)
            words = ffi.unpack(blk + ARY_HDR, int(blk[0]))
        else:
            cls = self.objects[cw >> OBJECT_SHIFT]
            if cls.instance_type not in (RObject, None):
                return False
            addr = self.iv_blocks[h]
            if addr:
                blk = ffi.cast("uint64_t *", addr)
                words = ffi.unpack(blk + IV_HDR, len(SHAPES[blk[0]].names))
            else:
                words = ()
        self.marked[h] = 1
        self.words_todo.extend(words)
        return True

    def obj(self, o) -> None:
        if o is None:
            return
        h = o.handle
        if 0 < h < self.n and not self.marked[h] and self.objects[h] is o:
            self.marked[h] = 1
            self.todo.append(o)

    def words(self, ws) -> None:
        for w in ws:
            if type(w) is int and w & OBJECT_MASK == OBJECT_TAG:
                self.word(w)

    # -- conservative scan of arbitrary Python data
    def py(self, x, depth=0) -> None:
        if isinstance(x, int):
            if x & OBJECT_MASK == OBJECT_TAG and x >= 0:
                self.word(x)
            return
        if depth > 60:
            return
        if isinstance(x, _LEAF):
            if isinstance(x, types.FunctionType) and x.__closure__:
                i = id(x)
                if i not in self.seen_py:
                    self.seen_py.add(i)
                    self.closure(x, depth)
            return
        if isinstance(x, RBasic):
            self.obj(x)
            return
        i = id(x)
        if i in self.seen_py:
            return
        self.seen_py.add(i)
        if getattr(type(x), "GC_OPAQUE", False):
            return      # the engines' records of code: machine-code offsets, no words
        if isinstance(x, (list, tuple, set, frozenset)):
            for y in x:
                self.py(y, depth + 1)
            return
        if isinstance(x, dict):
            for k, v in x.items():
                self.py(k, depth + 1)
                self.py(v, depth + 1)
            return
        if isinstance(x, types.MethodType):
            self.py(x.__self__, depth + 1)
            return
        if isinstance(x, types.GeneratorType):
            if x.gi_frame is not None:
                self.py(x.gi_frame.f_locals, depth + 1)
            return
        if isinstance(x, types.FrameType):
            return
        if type(x).__module__.startswith("_cffi") or type(x).__name__ in ("CData", "FFI"):
            return
        if isinstance(x, (threading.Thread, type(threading.Semaphore()), type(threading.Lock()))):
            return
        if type(x) is Context:
            return      # collect marks each live one precisely (its arena holds handles)
        if type(x).__name__ == "VM" and x is not self.vm:
            return      # another VM's words name its own objects, not ours
        d = getattr(x, "__dict__", None)
        if d is not None:
            for v in d.values():
                self.py(v, depth + 1)
        for cls in type(x).__mro__:
            for s in getattr(cls, "__slots__", ()):
                try:
                    v = getattr(x, s)
                except AttributeError:
                    continue
                self.py(v, depth + 1)
        if isinstance(x, BaseException):
            for v in x.args:
                self.py(v, depth + 1)

    def closure(self, fn, depth) -> None:
        if depth > 60:
            return
        cells = fn.__closure__
        if cells:
            for c in cells:
                try:
                    v = c.cell_contents
                except ValueError:
                    continue
                self.py(v, depth + 1)
        if fn.__defaults__:
            for v in fn.__defaults__:
                self.py(v, depth + 1)

    def method_entry(self, m) -> None:
        if m is None:
            return
        self.obj(m.proc)
        self.obj(m.owner)
        if m.fn is not None and isinstance(m.fn, types.FunctionType) and m.fn.__closure__:
            self.py(m.fn)

    def frame(self, f) -> None:
        self.obj(f.proc)
        self.obj(f.env)
        self.obj(f.target_class)
        if f.method is not None:
            self.method_entry(f.method)

    # -- tracing one object's references
    def trace(self, o) -> None:
        t = type(o)
        if t is RObject or t is RException:
            self.obj(o.cls)
            if o._blk is not None:
                for w in iv_words(o):
                    if w & OBJECT_MASK == OBJECT_TAG:
                        self.word(w)
            return
        iv = o.ivars
        if iv:
            for w in iv.values():
                if w & OBJECT_MASK == OBJECT_TAG:
                    self.word(w)
        self.obj(o.cls)
        if t is RString or t is RFloat or t is RInteger:
            return
        if t is RArray:
            for w in o.items:
                if w & OBJECT_MASK == OBJECT_TAG:
                    self.word(w)
        elif t is RHash:
            for e in o.table.values():
                self.word(e[0])
                self.word(e[1])
            self.word(o.default)
            self.word(o.default_proc)
        elif t is RRange:
            self.word(o.first)
            self.word(o.last)
        elif t is RProc:
            self.obj(o.upper)
            self.obj(o.env)
            self.obj(o._target_class)
            self.word(o.self_word)
            if o.fn is not None:
                self.py(o.fn)
        elif t is REnv:
            if o.values is not None:
                self.words(o.values)
            self.obj(o.target_class)
        elif t is RClass:
            self.obj(o.superclass)
            self.obj(o.module)
            self.obj(o.origin)
            if o.attached is not None:
                self.word(o.attached)
            for m in o.mt.values():
                self.method_entry(m)
        elif t is RData:
            self.py(o.data)
        elif t is RBreak:
            self.py(o.unwind)
        else:
            d = getattr(o, "__dict__", None)
            if d:
                self.py(d)
            for cls in type(o).__mro__:
                for s in getattr(cls, "__slots__", ()):
                    if s in ("handle", "cls", "frozen", "ivars", "__weakref__"):
                        continue
                    self.py(getattr(o, s, None))

    def run(self) -> None:
        todo, words = self.todo, self.words_todo
        word = self.word
        while todo or words:
            while words:
                word(words.pop())
            if todo:
                self.trace(todo.pop())


def collect(vm) -> int:
    """Mark and sweep; return the number of objects freed."""
    mk = Marker(vm)
    objects = vm.objects
    # allocated ahead for generated code (heap.py): kept, and those without a
    # Python object (heap.ObjectTable) left so, whatever word names them
    for w in vm.pooled_words():
        h = w >> OBJECT_SHIFT
        if 0 < h < mk.n:
            mk.pooled.add(h)
            if objects.get(h) is None:
                mk.marked[h] = 1
            else:
                mk.word(w)
    # classes and modules are never freed
    for o in list(objects.values()):
        if o is not None and type(o) is RClass:
            mk.obj(o)
    # every live context: registers, frames, arena, pending exception (the
    # running one's are on the VM: vm.frames, vm.arena, vm.exc)
    word = mk.word
    for c in vm.contexts:
        if c is vm.context:
            frames, arena, exc, slack = vm.frames, vm.arena, vm.exc, SLACK
        else:
            frames, arena, exc, slack = c.frames, c.arena, c.exc, 0
        # past the highest window of a live frame (mruby's mark_context_stack
        # stops at the top frame's; a callee's window may end below its caller's)
        top = 0
        for f in frames:
            t = f.base + f.nregs
            if t > top:
                top = t
        if c is vm.context and vm.engine is not None:
            # records generated code pushed that Python has made no Frame of
            # (a collection in a callback that makes no views, OPK_ALLOC)
            ntop, nwords = vm.engine.native_roots(vm)
            top = max(top, ntop)
            mk.words(nwords)
        top = min(top + slack, len(c.stack))
        if top > 0:
            mv = memoryview(ffi.buffer(c.stack, top * 8)).cast("Q")
            for w in mv:
                if w & OBJECT_MASK == OBJECT_TAG:
                    word(w)
            del mv
        for f in frames:
            mk.frame(f)
        if c is not vm.context:
            mk.py(frames)       # what else they hold (as vm.frames is, through vm.__dict__)
        for h in arena:
            if 0 < h < mk.n and not mk.marked[h] and objects[h] is not None:
                mk.marked[h] = 1
                mk.todo.append(objects[h])
        mk.py(exc)
    for w in vm.globals.values():
        mk.word(w)
    for k, v in vm.__dict__.items():
        if k not in _SKIP_VM_ATTRS and not k.startswith("SYM_"):     # SYM_*: symbol ids
            mk.py(v)
    for name, mod in list(sys.modules.items()):
        if name.startswith("runtime.core.") and mod is not None:
            for v in vars(mod).values():
                if isinstance(v, (list, dict, set)):
                    mk.py(v)
    # the Python locals of this VM's threads: the one collecting and the
    # coroutine threads tagged with this VM (other VMs' threads hold only
    # their own words, which would keep unrelated objects here)
    me = sys._getframe()
    mine = {threading.get_ident()}
    mine.update(t.ident for t in threading.enumerate() if getattr(t, "riteload_vm", None) is vm)
    for ident, f in sys._current_frames().items():
        if ident not in mine:
            continue
        while f is not None:
            if f is not me:
                mk.py(f.f_locals)
            f = f.f_back
    mk.run()
    return _sweep(vm, mk)


def _sweep(vm, mk) -> int:
    """Free what ``mk`` left unmarked; return how many objects.

    The objects Python made and the closures it never looked at go one by
    one, each as its type needs.  What is left with a class word, the
    objects generated code made that Python never saw, are most of what a
    program drops, and the Procs of closures it made: translate/kernels.py's
    sweep frees them in one call (and its env_sweep the env cells of those
    closures).  The freed handles join the free list in handle order.
    """
    n = mk.n
    marked = mk.marked
    objects = vm.objects
    lazy = vm.lazy_closures
    ivs = vm.iv_space
    cwv = memoryview(ffi.buffer(vm.class_words, n * 8)).cast("Q")
    freed = []
    procs = 0
    # closures generated code made that Python never looked at
    # (natlogs.closure_object): a Proc's handle and call data go with the
    # objects below, an env's cell here
    dead_closures = [(h, e) for h, e in lazy.items() if h < n and not marked[h]]
    made = [h for h in objects if h in lazy]    # made since: Python's, below
    if made:
        made = set(made)
        dead_closures = [(h, e) for h, e in dead_closures if h not in made]
    for h in [h for h in objects if 0 < h < n and not marked[h]]:
        o = objects.pop(h)
        o.handle = 0
        cwv[h] = 0
        freed.append(h)
        t = type(o)
        if t is RObject or t is RException:
            release(o, ivs, h)
        elif t is RArray:
            o.items.release()
        elif t is RProc:
            procs += 1
            vm.drop_proc_call_data(h)
        elif t is REnv and o.cell is not None:
            if o.pooled_buf:
                vm.env_bufs_free.append(int(o.cell[1]))
            o.cell[0] = 0
            vm.env_cells_free.append(o.cell_addr)
            o.cell = o.buf = None
    if len(dead_closures) > len(lazy) // 2:     # most of them: keep the rest
        dead = {h for h, _ in dead_closures}
        live = [(h, e) for h, e in lazy.items() if h not in dead]
        lazy.clear()
        lazy.update(live)
    else:
        for h, _ in dead_closures:
            del lazy[h]
    envs = [(h, e[1]) for h, e in dead_closures if e[0] >> OBJECT_SHIFT != h]
    procs += len(dead_closures) - len(envs)
    if envs:
        handles, cells = zip(*envs)
        _sweep_env_cells(vm, cells)
        freed.extend(handles)
    del cwv
    native = _sweep_native(vm, mk)
    if freed:
        freed.sort()
        freed.extend(native)
        freed.sort()                # two sorted runs: a merge
    else:
        freed = native
    vm.free_handles.extend(freed)
    if procs:
        CONST_SERIAL[0] += 1        # GETCONST caches keyed on a frame's proc
    return len(freed)


_words = ffi.new_allocator(should_clear_after_alloc=False)


def _sweep_native(vm, mk) -> list:
    """Run the sweep kernel (translate/kernels.py) over ``mk``'s handles:
    free the unmarked ones that still have a class word, put their blocks
    back on their free lists, and return their handles (ascending)."""
    n = mk.n
    outs = [_words("uint64_t[]", max(n, 1)) for _ in _OUTS]
    args = ffi.new("uint64_t[]", abi.SWEEP_ARGS)
    marked = ffi.from_buffer(mk.marked)
    args[abi.SWEEP_MARKED] = block_address(marked)
    args[abi.SWEEP_COUNT] = n
    args[abi.SWEEP_CLASS_WORDS] = block_address(vm.class_words)
    args[abi.SWEEP_IV_BLOCKS] = block_address(vm.iv_space.blocks)
    args[abi.SWEEP_ARY_BLOCKS] = block_address(vm.ary_space.blocks)
    args[abi.SWEEP_STR_BLOCKS] = block_address(vm.str_space.blocks)
    args[abi.SWEEP_PROC_BLOCKS] = block_address(vm.proc_calls.blocks)
    starts = [block_address(b) for b in outs]
    for i, at in enumerate(_OUTS):
        args[at] = starts[i]
    kernels.sweep()(args)
    got = [ffi.unpack(b, (int(args[at]) - start) >> 3)
           for b, at, start in zip(outs, _OUTS, starts)]
    handles, arrays, strings, blocks, caps, call_data = got
    if arrays:
        free_literal_blocks(arrays)
    if strings:
        free_string_blocks(strings)
    if blocks:
        free_blocks(blocks, caps)
    vm.proc_calls_free.extend(call_data)
    return handles


def _sweep_env_cells(vm, cells) -> None:
    """The env cells of dead closures generated code made go back to their
    free list, and their buffers to theirs; the kernel clears their words."""
    n = len(cells)
    cs = ffi.from_buffer(array("Q", cells))
    bufs = _words("uint64_t[]", n)
    args = ffi.new("uint64_t[]", abi.ENV_SWEEP_ARGS)
    args[abi.ENV_SWEEP_CELLS] = block_address(cs)
    args[abi.ENV_SWEEP_COUNT] = n
    args[abi.ENV_SWEEP_OUT_BUFFERS] = block_address(bufs)
    kernels.env_sweep()(args)
    vm.env_bufs_free.extend(ffi.unpack(bufs, n))
    vm.env_cells_free.extend(cells)


_OUTS = (abi.SWEEP_OUT_HANDLES, abi.SWEEP_OUT_ARY, abi.SWEEP_OUT_STR, abi.SWEEP_OUT_IV,
         abi.SWEEP_OUT_IV_CAP, abi.SWEEP_OUT_PROC)
