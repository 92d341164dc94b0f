"""The call path: call-info records, method calls, blocks and catch handlers
(the calling half of mruby's src/vm.c: ``cipush``/``cipop``,
``mrb_funcall``, ``prepare_missing``, ``mrb_yield``, ``exec_irep``,
``catch_handler_find``, ``break_new``).

``call_at`` is what SEND/SSEND/SUPER run when the engines' own fast paths
do not apply: it looks the method up (``vm.mcache``), runs a Ruby method
with ``run_irep`` (one ``Frame`` pushed on ``vm.frames``, the engine runs
it) or a builtin with ``run_builtin`` (arity check, GC arena save/restore),
and routes a missing method to ``method_missing``.  ``funcall`` is the same
for Python callers (the core library), ``call_proc``/``yield_block`` call
blocks.  These methods are the hot path of both engines: they are plain
methods of ``VM`` (inherited from ``Calls``), with no extra layer.

``obj_missing`` is Kernel#method_missing's default body (mruby's
``mrb_obj_missing``, in kernel.c).  It lives here because ``prepare_missing``
must recognise it to raise NoMethodError directly, as vm.c does;
``runtime/core/kernel.py`` registers it.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Calls`` part and every ``vm.funcall(...)`` keeps working.
"""

from __future__ import annotations

from . import abi
from .abi import CALL_MAXARGS, OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .errors import BreakUnwind, Unwind
from .frames import CALL_LEVEL_MAX, CINFO_SKIP, MRB_STACK_MAX, Frame, IrepRT, bidx
from .objects import MethodEntry, RBreak, RClass, REnv, RHash, RProc

NIL = abi.NIL

# catch handler types a search accepts (mruby's MRB_CATCH_FILTER_*)
CATCH_FILTER_RESCUE = 1
CATCH_FILTER_ENSURE = 2
CATCH_FILTER_ALL = 3


class Calls:
    """``VM``'s call part (vm.c): frames, calls, blocks, catch handlers."""

    def push_frame(self, f: Frame) -> None:
        frames = self.frames
        n = len(frames)
        if n >= self.ci_max:        # the running context's limit (runtime/context.py)
            self.raise_stack_error()
        if f.base + f.nregs > MRB_STACK_MAX:
            self.raise_stack_error()
        f.index = n
        frames.append(f)

    def pop_frame(self, f: Frame) -> None:
        frames = self.frames
        while frames and frames[-1] is not f:
            g = frames.pop()
            if g.env is not None:
                g.env.unshare()
        if frames:
            frames.pop()
        if f.env is not None:
            f.env.unshare()

    def sync_callinfo(self) -> int:
        """Write the live frames into the native call-info stack ``vm.ci``
        (``struct rl_callinfo``, runtime/frames.py) and ``state.ci``; return
        the number of records.  Push and pop only touch the Python list (a
        cffi write per field on every call costs more than the call), so
        code that reads ``vm.ci`` calls this first."""
        ci_arr = self.ci
        frames = self.frames
        for n, f in enumerate(frames):
            ci = ci_arr[n]
            ci.mid = f.mid
            ci.stack = f.base
            ci.n = f.n
            ci.nk = f.nk
            ci.cci = f.cci
            ci.pc = f.pc
            p = f.proc
            if p is not None:
                ci.kind = 0
                ci.proc = (p.handle << OBJECT_SHIFT) | OBJECT_TAG
            else:
                ci.kind = 1
                ci.proc = NIL
            tc = f.target_class
            ci.target_class = ((tc.handle << OBJECT_SHIFT) | OBJECT_TAG) if tc is not None else NIL
        self.state.ci = len(frames) - 1
        return len(frames)

    def raise_stack_error(self):
        # mruby raises one preallocated object (mrb->stack_err): its backtrace is
        # the one kept the first time, later overflows print it again
        if self.stack_err is None:
            self.stack_err = self.exc_new(self.c_SystemStackError, "stack level too deep")
        self.raise_exc(self.stack_err)

    def stack_top(self) -> int:
        if not self.frames:
            return 0
        f = self.frames[-1]
        return f.base + f.nregs

    def current_frame(self) -> Frame:
        return self.frames[-1]

    def irep_rt(self, irep) -> IrepRT:
        rt = self.irep_rts.get(id(irep))
        if rt is None or rt.irep is not irep:
            rt = IrepRT(self, irep)
            self.irep_rts[id(irep)] = rt
        return rt

    def env_of(self, frame: Frame) -> REnv:
        """The frame's REnv, created on first capture (closure_setup)."""
        e = frame.env
        if e is None:
            irep = frame.irep
            length = irep.nlocals if irep is not None else 1
            e = REnv(self, frame, length)
            self.alloc(e)
            p = frame.proc
            if p is not None and p.env is not None and self.env_names_blocks(p.env):
                e.mid = p.env.mid       # an aliased method: blocks use the original name
            frame.env = e
            if self.envs_in_records:
                # generated code's BLOCK in this frame takes it from its record
                # (runtime/native.py); a record of an interpreted frame ignores it
                self.ci[frame.index].env = self.env_cell(e)
        return e

    def env_names_blocks(self, env: REnv) -> bool:
        """closure_setup: does the env of a running proc give its name to
        the env of a frame the proc runs in (one with ``cxt == NULL``)?
        mruby 3.1 behaves so for the env alias_method makes only."""
        return env.is_detached

    def collect_args(self, base: int, n: int, nk: int) -> list:
        st = self.stack
        if n == CALL_MAXARGS:
            args = list(self.objects[st[base + 1] >> OBJECT_SHIFT].items)
            kidx = base + 2
        else:
            args = [st[base + 1 + i] for i in range(n)]
            kidx = base + 1 + n
        if nk:
            kw = st[kidx]
            if kw & OBJECT_MASK == OBJECT_TAG:
                h = self.objects[kw >> OBJECT_SHIFT]
                if type(h) is RHash and len(h.table) == 0:
                    return args
            args.append(kw)
        return args

    def call_at(self, caller: Frame, a: int, recv: int, mid: int, n: int, nk: int, blk: int,
                cls: RClass = None, is_super: bool = False) -> int:
        """Call method ``mid`` of ``recv`` whose arguments sit in the caller's
        registers R[a+1].. (kw Hash packed, block at R[a+bidx]); return the
        value.  ``cls`` is where the lookup starts (SUPER)."""
        base = caller.base + a
        if cls is None:
            if recv & OBJECT_MASK == OBJECT_TAG:
                cls = self.objects[recv >> OBJECT_SHIFT].cls
            elif recv & 1:
                cls = self.c_Integer
            else:
                cls = self.class_of(recv)
        r = self.mcache.get((cls, mid))
        if r is None:
            r = self.find_method(cls, mid)
        m, owner = r
        if m is None:
            m, owner, n, nk = self.prepare_missing(base, recv, mid, cls, n, nk, blk, is_super)
            mid = self.SYM_method_missing
        elif (proc := m.proc_for(self, cls)) is not None and proc.irep is not None:
            # a Ruby method (or the prelude's Ruby variant of a builtin for
            # this receiver): invoke_method's first case, one call less
            try:
                v = self.run_irep(m.alias_mid or mid, proc, base, n, nk, owner)
            except BreakUnwind as u:
                if u.proc.upper is caller.proc and caller.proc is not None:
                    return u.value
                raise
            if v & OBJECT_MASK == OBJECT_TAG:
                self.arena.append(v >> OBJECT_SHIFT)   # the caller may be Python: keep the result
            if blk != NIL:
                self._orphan_check(blk)
            return v
        elif m.fast and not nk and n < CALL_MAXARGS and blk == NIL:
            # a builtin called with positional arguments and no block: the
            # builtin path of invoke_method without its general argument work
            st = self.stack
            frame = Frame(mid, None, base, n, 0, owner)
            frame.method = m
            frame.nregs = n + 2
            return self.run_builtin(frame, m, recv,
                                    [st[base + 1 + i] for i in range(n)] if n else [], NIL)
        try:
            return self.invoke_method(base, recv, m, owner, mid, n, nk, blk)
        except BreakUnwind as u:
            if u.proc.upper is caller.proc and caller.proc is not None:
                return u.value
            raise

    def prepare_missing(self, base, recv, mid, cls, n, nk, blk, is_super):
        st = self.stack
        if n == CALL_MAXARGS:
            args = list(self.objects[st[base + 1] >> OBJECT_SHIFT].items)
        else:
            args = [st[base + 1 + i] for i in range(n)]
        mm, owner = self.find_method(self.class_of(recv), self.SYM_method_missing)
        if mm is None or mm.fn is obj_missing:
            if is_super:
                self.raise_no_method_error(mid, self.ary_new(args),
                                           f"no superclass method '{self.syms[mid]}'")
            self.raise_no_method_error(mid, self.ary_new(args),
                                       f"undefined method '{self.syms[mid]}'")
        argv = self.ary_new([abi.symbol_word(mid)] + args)
        # vm.c prepare_missing stores the packed arguments in argv[0] before it
        # reads the keyword hash from argv[n]: with n == 0 the hash is lost and
        # the argument array takes its place
        kw = NIL
        if nk:
            kw = argv if n == 0 else st[base + 1 + (1 if n == CALL_MAXARGS else n)]
        st[base + 1] = argv
        if nk:
            st[base + 2] = kw
            st[base + 3] = blk
        else:
            st[base + 2] = blk
        return mm, owner, CALL_MAXARGS, nk

    def invoke_method(self, base: int, recv: int, m: MethodEntry, owner: RClass, mid: int,
                      n: int, nk: int, blk: int) -> int:
        proc = m.proc
        if proc is not None and proc.irep is not None:
            v = self.run_irep(m.alias_mid or mid, proc, base, n, nk, owner)
            if v & OBJECT_MASK == OBJECT_TAG:
                self.arena.append(v >> OBJECT_SHIFT)   # the caller may be Python: keep the result
            if blk != NIL:
                self._orphan_check(blk)
            return v
        if m.special is not None:
            return m.special(self, base, recv, m, owner, mid, n, nk, blk)
        if not nk and n < CALL_MAXARGS:
            st = self.stack
            args = [st[base + 1 + i] for i in range(n)] if n else []
            kw = False
        else:
            args = self.collect_args(base, n, nk)
            kw = nk != 0 and len(args) > 0 and \
                args[-1] == self.stack[base + (2 if n == CALL_MAXARGS else n + 1)]
        if proc is not None and proc.fn is not None:
            # a method defined with define_method and a builtin body (e.g. Symbol#to_proc)
            return self.call_proc_fn(proc, recv, args, blk, mid)
        if m.noframe:
            arena = self.arena
            mark = len(arena)
            self._check_arity(m, args)
            v = m.fn(self, recv, args, blk)
            if len(arena) > mark:
                del arena[mark:]
            if v & OBJECT_MASK == OBJECT_TAG:
                arena.append(v >> OBJECT_SHIFT)
        else:
            frame = Frame(mid, None, base, n, nk, owner)
            frame.method = m
            frame.kw = kw
            frame.nregs = bidx(n, nk) + 1
            v = self.run_builtin(frame, m, recv, args, blk)
        if blk != NIL:
            self._orphan_check(blk)
        return v

    def run_irep(self, mid: int, proc: RProc, base: int, n: int, nk: int, target_class) -> int:
        """Run Ruby code (a method body or a block) whose self and arguments
        the caller placed at ``base``: push its call-info record (push_frame's
        depth checks), run it on the engine, pop it (pop_frame)."""
        irep = proc.irep
        frame = Frame(mid, proc, base, n, nk, target_class)
        rt = proc.rt
        if rt is None:
            rt = proc.rt = self.irep_rt(irep)
        frame.rt = rt
        frame.irep = irep
        nr = irep.nregs
        b = n + 2 if nk == 0 and n < CALL_MAXARGS else bidx(n, nk) + 1
        nr = frame.nregs = nr if nr > b else b
        frames = self.frames
        idx = len(frames)
        if idx >= self.ci_max or base + nr > MRB_STACK_MAX:
            self.raise_stack_error()
        frame.index = idx
        frames.append(frame)
        try:
            return self.engine.run(self, frame)
        finally:
            if frames and frames[-1] is frame and frame.env is None:
                frames.pop()
            else:
                self.pop_frame(frame)

    def run_builtin(self, frame: Frame, m: MethodEntry, recv: int, args: list, blk: int) -> int:
        """Run builtin ``m`` in its own call-info ``frame``: arity check, then
        the objects it allocated leave the arena and only its result stays
        (mruby's arena save/restore around a C method)."""
        self.push_frame(frame)
        arena = self.arena
        mark = len(arena)
        try:
            if m.amin > len(args) or (m.amax >= 0 and len(args) > m.amax):
                self.arity_error(m, args)
            v = m.fn(self, recv, args, blk)
        finally:
            self.pop_frame(frame)
        if len(arena) > mark:
            del arena[mark:]
        if v & OBJECT_MASK == OBJECT_TAG:
            arena.append(v >> OBJECT_SHIFT)
        return v

    def passed_kw(self) -> bool:
        """In a builtin: did the caller pass keyword arguments (the last element
        of ``args`` is their Hash)?  Forward them with ``funcall(..., kw=True)``."""
        return self.frames[-1].kw

    def _check_arity(self, m, args):
        if m.amin > len(args) or (m.amax >= 0 and len(args) > m.amax):
            self.arity_error(m, args)

    def _orphan_check(self, blk: int) -> None:
        if blk & OBJECT_MASK != OBJECT_TAG:
            return
        p = self.objects[blk >> OBJECT_SHIFT]
        if type(p) is RProc and not p.strict and p.env is not None and self.frames:
            if p.env is self.frames[-1].env:
                p.orphan = True

    def orphan_check_at(self, blk: int, base: int) -> None:
        """``_orphan_check`` for a call generated code made and returned from
        (runtime/natlogs.py replays it later): the caller is known by its
        register base, and an env on the running stack at that base is the
        caller's (a frame that ended has unshared its env)."""
        if blk & OBJECT_MASK != OBJECT_TAG:
            return
        p = self.objects[blk >> OBJECT_SHIFT]
        if type(p) is RProc and not p.strict and p.env is not None:
            e = p.env
            if e.values is None and e.stack is self.stack and e.base == base \
                    and not e.is_detached:
                p.orphan = True

    def arity_error(self, m, args):
        """A builtin called with the wrong count: mrb_get_args converts the
        arguments it is given, in order, before it counts them, so a badly
        typed one raises its conversion error first (``fn.getargs``)."""
        conv = getattr(m.fn, "getargs", None)
        if conv is not None:
            conv(self, args)
        self.argc_error(len(args), m.amin, m.amax)

    def place_args(self, base: int, recv: int, args, blk: int, kw: bool = False):
        """Write recv, args and block at ``base``; return (n, nk).  With ``kw``
        the last element of args is passed as the keyword Hash."""
        st = self.stack
        st[base] = recv
        nk = 0
        if kw and args and self.is_hash(args[-1]):
            kwh = args[-1]
            args = args[:-1]
            nk = CALL_MAXARGS
        argc = len(args)
        if argc >= CALL_MAXARGS:
            st[base + 1] = self.ary_new(args)
            i = base + 2
            n = CALL_MAXARGS
        else:
            for j, w in enumerate(args):
                st[base + 1 + j] = w
            i = base + 1 + argc
            n = argc
        if nk:
            st[i] = kwh
            i += 1
        st[i] = blk
        return n, nk

    def funcall(self, recv: int, name, args=(), blk: int = NIL, kw: bool = False) -> int:
        """mrb_funcall: call method ``name`` (str or symbol id) of ``recv``.
        ``kw``: the last element of args is a keyword-argument Hash."""
        mid = self.intern(name) if isinstance(name, str) else name
        base = self.stack_top()
        cls = self.class_of(recv)
        m, owner = self.find_method(cls, mid)
        if m is not None and m.proc is None and m.special is None and m.noframe is False:
            # fast path for builtins: no register traffic needed
            args = list(args)
            frame = Frame(mid, None, base, min(len(args), CALL_MAXARGS),
                          CALL_MAXARGS if kw else 0, owner, CINFO_SKIP)
            frame.method = m
            frame.kw = kw and bool(args) and self.is_hash(args[-1])
            frame.nregs = 3
            return self.run_builtin(frame, m, recv, args, blk)
        args = list(args)
        if base + len(args) + 4 >= MRB_STACK_MAX:
            self.raise_stack_error()
        n, nk = self.place_args(base, recv, args, blk, kw)
        if m is None:
            m, owner, n, nk = self.prepare_missing(base, recv, mid, cls, n, nk, blk, False)
            mid = self.SYM_method_missing
        return self.invoke_method(base, recv, m, owner, mid, n, nk, blk)

    def c_funcall(self, recv: int, name, args=(), blk: int = NIL, kw: bool = False) -> int:
        """funcall with mruby's C-level ``mrb_funcall`` depth check: a C function
        calling back into Ruby below more than MRB_CALL_LEVEL_MAX (512) records
        raises SystemStackError.  Use it where mruby's method is written in C
        (Class#new -> initialize, hooks, inspect of ivars...), and plain
        ``funcall`` where mruby's is mrblib Ruby (its calls are OP_SEND)."""
        if len(self.frames) - 1 > CALL_LEVEL_MAX:
            self.raise_stack_error()
        return self.funcall(recv, name, args, blk, kw)

    def funcall_from(self, frame, recv, name, args=(), blk=NIL) -> int:
        return self.funcall(recv, name, args, blk)

    def call_method_entry(self, recv: int, m, owner, mid: int, args, blk: int = NIL,
                          kw: bool = False) -> int:
        """Call a given MethodEntry on recv (Method#call, UnboundMethod#bind_call)."""
        base = self.stack_top()
        n, nk = self.place_args(base, recv, list(args), blk, kw)
        return self.invoke_method(base, recv, m, owner, mid, n, nk, blk)

    def call_proc_fn(self, proc: RProc, recv: int, args, blk, mid=None, kw: bool = False) -> int:
        """Run a builtin proc's body; ``kw``: the last of args is the keyword
        Hash (the body sees it with ``vm.passed_kw()``)."""
        if mid is None:
            mid = proc.fn_mid
        frame = Frame(mid, None, self.stack_top(), min(len(args), CALL_MAXARGS), 0, None,
                      CINFO_SKIP)
        frame.kw = kw
        frame.nregs = 3
        self.push_frame(frame)
        arena = self.arena
        mark = len(arena)
        try:
            v = proc.fn(self, recv, list(args), blk)
        finally:
            self.pop_frame(frame)
        if len(arena) > mark:
            del arena[mark:]
        if v & OBJECT_MASK == OBJECT_TAG:
            arena.append(v >> OBJECT_SHIFT)
        return v

    def make_builtin_proc(self, fn, strict: bool = False, mid=None) -> int:
        """A Proc whose body is the Python function fn(vm, self, args, blk).

        When called it runs in a call-info record named ``mid`` (default: the
        method running now), so a builtin that passes such a block to ``each``
        shows in backtraces as mruby's mrblib methods do (``in select``)."""
        p = RProc(self.c_Proc, None, fn)
        p.strict = strict
        if mid is None:
            mid = self.frames[-1].mid if self.frames else 0
        elif isinstance(mid, str):
            mid = self.intern(mid)
        p.fn_mid = mid
        return self.alloc(p)

    def proc_arity(self, p: RProc) -> int:
        """mrb_proc_arity (proc.c)."""
        if p.arity_override is not None:
            return p.arity_override
        if p.irep is None:
            return -1 if p.fn is not None else 0
        ins = p.irep.instructions
        if not ins or ins[0].name != "ENTER":
            return 0
        a = ins[0].a
        req = (a >> 18) & 0x1F
        opt = (a >> 13) & 0x1F
        rest = (a >> 12) & 1
        post = (a >> 7) & 0x1F
        if rest or (p.strict and opt):
            return -(req + post + 1)
        return req + post

    def yield_block(self, blk: int, args, self_w: int = None, target_class=None,
                    blkarg: int = NIL) -> int:
        """Call a block with block semantics (mrb_yield)."""
        if blk == NIL:
            self.raise_error(self.c_LocalJumpError, "no block given (yield)")
        p = self.objects[blk >> OBJECT_SHIFT]
        if type(p) is not RProc:
            return self.funcall(blk, "call", args)
        return self.call_proc(p, args, self_w, target_class, blkarg)

    def call_proc(self, p, args, self_w: int = None, target_class=None, blkarg: int = NIL,
                  mid: int = None) -> int:
        if not isinstance(p, RProc):
            p = self.objects[p >> OBJECT_SHIFT]
        if self_w is None:
            self_w = p.env.get(0) if p.env is not None else p.self_word
        if p.irep is None:
            if p.fn is not None:
                return self.call_proc_fn(p, self_w, args, blkarg, mid)
            return NIL
        frames = self.frames
        n = len(args)
        if n >= CALL_MAXARGS or not frames:
            base = self.stack_top()
            n, nk = self.place_args(base, self_w, args, blkarg)
            return self.run_proc_at(p, base, n, nk, target_class, mid)
        # positional arguments: place_args and run_proc_at inline
        top = frames[-1]
        base = top.base + top.nregs
        st = self.stack
        st[base] = self_w
        i = base + 1
        for w in args:
            st[i] = w
            i += 1
        st[i] = blkarg
        env = p.env
        if mid is None:
            mid = env.mid if env is not None else top.mid
        if target_class is None:
            target_class = env.target_class if env is not None else p._target_class
        return self.run_irep(mid, p, base, n, 0, target_class)

    def run_proc_at(self, p: RProc, base: int, n: int, nk: int, target_class=None,
                    mid: int = None) -> int:
        """Run a block/lambda whose self and arguments are already at ``base``."""
        if mid is None:
            mid = p.env.mid if p.env is not None else (self.frames[-1].mid if self.frames else 0)
        tc = target_class if target_class is not None else p.target_class
        return self.run_irep(mid, p, base, n, nk, tc)

    def eval_under(self, self_w: int, blk: int, cls: RClass, args) -> int:
        """mrb_yield_with_class: run a block with another self and target
        class (Class.new/Module.new/Struct.new blocks), in a frame named
        after the running method (core/kernel.py's _eval_in_place runs
        instance_eval's block in place of its method instead)."""
        p = self.objects[blk >> OBJECT_SHIFT]
        mid = self.frames[-1].mid if self.frames else 0
        return self.call_proc(p, list(args), self_w, cls, NIL, mid)

    def exec_irep(self, irep, self_w: int, target_class: RClass, upper=None, base=None,
                  mid: int = 0) -> int:
        """Run a class body or the top level (OP_EXEC, mrb_top_run)."""
        p = RProc(self.c_Proc, irep)
        p.upper = upper
        p.scope = True
        p._target_class = target_class
        self.alloc(p)
        if base is None:
            base = self.stack_top()
        frame = Frame(mid, p, base, 0, 0, target_class)
        frame.rt = p.rt = self.irep_rt(irep)
        frame.irep = irep
        frame.nregs = max(irep.nregs, 1)
        st = self.stack
        st[base] = self_w
        for i in range(1, frame.nregs):
            st[base + i] = NIL
        self.push_frame(frame)
        try:
            return self.engine.run(self, frame)
        finally:
            self.pop_frame(frame)

    def find_handler(self, frame: Frame, filt: int):
        """catch_handler_find: the innermost handler of frame's irep covering
        frame.pc (begin < pc <= end), of a type allowed by ``filt``."""
        rt = frame.rt
        if rt is None:
            return None
        hs = rt.handlers
        if not hs:
            return None
        pc = frame.pc
        for h in reversed(hs):
            if (1 << h.type) & filt and h.begin < pc <= h.end:
                return h
        return None

    def jump_leaves(self, h, target: int) -> bool:
        """Does a JMPUW to ``target`` leave ensure handler ``h``'s range, so
        that its ensure clause runs first?  mruby 3.1: a target outside
        [begin, end); 4.0 (its dialect overrides this) enters a handler
        whose end is the target as plain code."""
        return target < h.begin or target >= h.end

    def break_word(self, u: Unwind) -> int:
        return self.alloc(RBreak(u))


def obj_missing(vm, self, args, blk):
    """Kernel#method_missing as mruby defines it (mrb_obj_missing): raise
    NoMethodError for ``args[0]``."""
    # mrb_obj_missing clears its own call-info's mid: no frame in the backtrace
    if vm.frames and vm.frames[-1].method is not None and vm.frames[-1].method.fn is \
            obj_missing:
        vm.frames[-1].mid = 0
    sid = args[0] >> 8 if args and vm.is_sym(args[0]) else 0
    vm.raise_no_method_error(sid, vm.ary_new(args[1:]), f"undefined method '{vm.syms[sid]}'")
