"""Kernel#eval and the String forms of BasicObject#instance_eval and
Module#class_eval: the mruby-eval gem of mruby 3.1 (``src/eval.c``).

mruby compiles the string with its own parser, the local variables of the
calling scope visible (``mrbc_context.upper``: the caller's proc and the
procs around it, up to the first method, class body or top level), and runs
the result in the call-info record of ``eval`` itself, with the caller's
env as its own.  riteload has no parser: it compiles the string with
mruby's ``mrbc -g`` (when it is on PATH; a NotImplementedError naming it
otherwise), in a temporary folder, and loads the .mrb with riteload's own
loader and verifier.  So that the code sees the caller's variables, the
string is compiled inside a wrapper that declares them where the caller's
scopes hold them:

    a=nil;b=nil;proc{|x,y|proc{STRING
    }}

the outermost scope's names as top-level assignments (registers 1, 2...
in order), each block between as a block whose parameters are its names
(registers 1, 2... again), and the string as the innermost block, whose
``GETUPVAR``/``SETUPVAR`` then name the same registers and levels as
mruby's compiler gives them.  That block's irep runs as the eval: its proc's
env is the caller's frame's env and its upper the caller's proc, as
``create_proc_from_string`` sets them.  What a block compiles differently
from mruby's top level is rewritten: ``RETURN_BLK`` (``return`` ends the
eval) becomes ``RETURN``, and ``BREAK`` and a jump back to the start
(``redo``) become ``ERR`` (LocalJumpError "unexpected break", "unexpected
redo").  The wrapper starts on the string's first line, so line numbers
and ``__LINE__`` are mruby's; the file name (``(eval)`` unless
given) replaces the temporary file's in the debug info and in ``__FILE__``.

Errors are mruby's: a syntax error raises SyntaxError ``file FILE line N:
MESSAGE`` (the message mrbc prints for the string alone, so the wrapper
does not show), a code generation error prints mrbc's line on stderr and
raises ScriptError ``codegen error``, a binding raises TypeError (Debian's
mruby 3.1 has no Binding class).  Not reproduced: ``next`` at the top
level of the string (LocalJumpError "unexpected next" in mruby; here it
ends the eval, as a block's ``next`` compiles to the same RETURN as its
end), and register numbers in a listing of the code.

``_1``.. at the top of the string are plain names in mruby (its parser
starts the string as a scope, where numbered parameters never appear): the
caller's numbered parameters when its block used them.  In the wrapper's
block mrbc makes them that block's own, so the block is called with the
caller's values (``_numbered_values``).  Not reproduced: where no scope of
the caller has ``_1`` (mruby calls a method ``_1``: NoMethodError; here
nil), an assignment ``_1 = x`` (a local of the string in mruby, a
SyntaxError here), and a read of ``_1`` at the top after a block of the
string used its own (nil here).
Compiled strings are cached per VM by their wrapper text and file name.

Module#class_eval (core/classes.py) raises NotImplementedError for a
String still: its string form is ``class_eval_string`` here, for its
``mod_class_eval`` to call when no block is given.
"""

from __future__ import annotations

import os
import re

from .. import abi
from ..defs import module_function
from ..objects import RProc
from ..ops import uvenv
from .io import cstr
from .support import as_int

NIL = abi.NIL

EVAL_FILE = "(eval)"
#: the name of the temporary source file mrbc compiles (never a program's own name)
SOURCE_NAME = "__riteload_eval_source__.rb"
COMPILE_TIMEOUT = 120
FILENAME_MAX = 0xFFFF           # UINT16_MAX: mruby keeps the file name's length in 16 bits
#: register slots a block's parameters can name: 31 required, 31 optional,
#: a rest, 31 post (the ENTER aspec fields)
MAX_BLOCK_PARAMS = 31 + 31 + 1 + 31
# a local variable's name: [a-z_] or any non-ASCII character first, then
# [A-Za-z0-9_] or non-ASCII.  Written with negated ASCII classes: the class
# [\x80-\U0010ffff] takes ~15 ms to compile, at every start-up.
_IDENT = re.compile(r"[^\x00-\x5e\x60\x7b-\x7f][^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]*\Z")
_NUMBERED = re.compile(r"_[1-9]\Z")
_PARSE_ERROR = re.compile(rb"^(.*?):(\d+):(\d+): (.*)$")
_CODEGEN_ERROR = re.compile(rb"^(.*?):(\d+): (.*)$")


# ------------------------------------------------------------ the wrapper
def _scopes(caller):
    """The ireps whose local variables the string sees, innermost first:
    the caller's proc and its uppers up to the first scope (method, class
    body, top level), as mruby's parser walks ``cxt->upper``.  Empty when
    the caller is a builtin (a C function: no upper)."""
    return scope_ireps(caller.proc if caller is not None else None)


def _names(irep) -> list[str | None]:
    """The variable names of registers 1..nlocals-1 (None: no usable name,
    or a name seen before in this scope, which names the first register)."""
    lv = list(irep.lvars or ())
    lv += [None] * (irep.nlocals - 1 - len(lv))
    seen = set()
    out = []
    for n in lv[:max(irep.nlocals - 1, 0)]:
        if n is None or n in seen or not _IDENT.match(n) or _NUMBERED.match(n):
            out.append(None)
        else:
            seen.add(n)
            out.append(n)
    return out


def _pads(names: list[str | None], level: int) -> list[str]:
    return [n if n is not None else f"__riteload_pad_{level}_{i}"
            for i, n in enumerate(names)]


def _block_params(names: list[str]) -> str:
    """Parameters naming registers 1..len(names) of a block, in order:
    required, then optional, then a rest, then post (up to 94 registers;
    names past those are not visible)."""
    names = names[:MAX_BLOCK_PARAMS]
    req, opt = names[:31], names[31:62]
    rest, post = names[62:63], names[63:]
    parts = req + [f"{n}=nil" for n in opt] + [f"*{n}" for n in rest] + post
    return "|" + ",".join(parts) + "|" if parts else ""


def wrapper(scopes) -> tuple[str, int]:
    """(the text before the string, the number of blocks to close) for the
    scopes the string sees (innermost first)."""
    levels = list(reversed(scopes))
    head = []
    if levels:
        names = _pads(_names(levels[0]), len(levels) - 1)
        head.append("".join(f"{n}=nil;" for n in names))
    for depth, irep in enumerate(levels[1:], 1):
        names = _pads(_names(irep), len(levels) - 1 - depth)
        head.append("proc{" + _block_params(names))
    head.append("proc{")
    return "".join(head), max(len(levels), 1)


# ------------------------------------------------------------- compiling
def _mrbc(src: bytes) -> tuple[bytes | None, bytes]:
    """(the .mrb mrbc -g made of ``src``, or None; what it printed)."""
    import shutil
    import subprocess
    import tempfile
    mrbc = shutil.which("mrbc")
    with tempfile.TemporaryDirectory(prefix="riteload-eval-") as tmp:
        with open(os.path.join(tmp, SOURCE_NAME), "wb") as f:
            f.write(src)
        out = os.path.join(tmp, "eval.mrb")
        try:
            p = subprocess.run([mrbc, "-g", "-o", out, SOURCE_NAME], cwd=tmp,
                               capture_output=True, timeout=COMPILE_TIMEOUT,
                               stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as e:
            return None, str(e).encode()
        if p.returncode != 0 or not os.path.exists(out):
            return None, p.stderr + p.stdout
        with open(out, "rb") as f:
            return f.read(), p.stderr + p.stdout


def _first_error(messages: bytes):
    """(kind, line, message) of the first error line mrbc printed: kind
    "syntax" (``FILE:LINE:COL: MESSAGE``) or "codegen" (``FILE:LINE: MESSAGE``)."""
    for line in messages.split(b"\n"):
        if not line.startswith(SOURCE_NAME.encode() + b":"):
            continue
        m = _PARSE_ERROR.match(line)
        if m and b"warning" not in m.group(4)[:8]:
            return "syntax", int(m.group(2)), m.group(4)
        m = _CODEGEN_ERROR.match(line)
        if m:
            return "codegen", int(m.group(2)), m.group(3)
    return None


def _innermost(irep, depth: int):
    for _ in range(depth):
        irep = irep.reps[0]
    return irep


def _rewrite(irep) -> None:
    """The block's jumps out of itself as mruby's top level compiles them:
    RETURN_BLK (``return``) becomes RETURN, BREAK (``break``) becomes ERR
    "unexpected break", and a jump back to the block's start (``redo``)
    becomes ERR "unexpected redo" (and a NOP: the jump is a byte longer)."""
    from riteload.model import POOL_STR, PoolValue
    from riteload.opcodes import table_for
    ops = table_for(irep.format_version)
    code = bytearray(irep.iseq)
    messages = {}

    def err(at: int, msg: bytes) -> None:
        idx = messages.get(msg)
        if idx is None:
            idx = messages[msg] = len(irep.pool)
            irep.pool.append(PoolValue(POOL_STR, msg))
        if idx <= 0xFF:
            code[at] = ops.number("ERR")
            code[at + 1] = idx

    for ins in irep.instructions:
        if ins.name == "RETURN_BLK":
            code[ins.pc] = ops.number("RETURN")
        elif ins.ext is not None:
            continue
        elif ins.name == "BREAK":
            err(ins.pc, b"unexpected break")
        elif ins.name in ("JMP", "JMPUW") and \
                ins.pc + ins.size + (ins.a - 0x10000 if ins.a & 0x8000 else ins.a) == 0:
            err(ins.pc, b"unexpected redo")
            if code[ins.pc] == ops.number("ERR"):
                code[ins.pc + 2] = ops.number("NOP")
    if code != irep.iseq:
        irep.iseq = bytes(code)
        irep._instructions = None


def _rename(rite, file: str) -> None:
    """Name the source ``file`` where mrbc wrote the temporary file's name:
    the debug info, and the pool strings ``__FILE__`` left."""
    from ..program import _rename_debug_file
    _rename_debug_file(rite, SOURCE_NAME, file)
    old = SOURCE_NAME.encode()
    new = file.encode("utf-8", "surrogateescape")
    for irep in rite.ireps():
        for pv in irep.pool:
            if pv.tag in ("str", "sstr") and pv.value == old:
                pv.value = new


def compile_string(vm, src: bytes, file: str, line: int, scopes):
    """The irep of the string as mruby's eval compiles it (see the module
    docstring); raises SyntaxError or ScriptError as mruby does."""
    import riteload
    head, depth = wrapper(scopes)
    cache = vm.__dict__.setdefault("eval_cache", {})
    key = (head, src, file, line)
    irep = cache.get(key)
    if irep is not None:
        return irep
    import shutil  # only when a String is evaluated
    if shutil.which("mrbc") is None:
        vm.raise_error(vm.c_NotImplementedError,
                       "eval with a String needs mruby's compiler mrbc on PATH "
                       "(Debian/Ubuntu: apt-get install mruby)")
    lead = b"\n" * (max(line, 1) - 1)
    text = lead + head.encode("utf-8", "surrogateescape") + src + b"\n" + b"}" * depth + b"\n"
    data, messages = _mrbc(text)
    if data is None:
        _compile_error(vm, messages, lead + src, file)
    rite = riteload.parse(data, filename=file)
    _rename(rite, file)
    irep = _innermost(rite.irep, depth)
    _rewrite(irep)
    riteload.verify(rite)
    cache[key] = irep
    return irep


def _compile_error(vm, wrapped: bytes, alone: bytes, file: str):
    """Raise what mruby raises for a string mrbc refused: the first error
    of the string compiled alone (the wrapper's own when alone it compiles)."""
    err = _first_error(wrapped)
    data, messages = _mrbc(alone)
    if data is None and _first_error(messages) is not None:
        err = _first_error(messages)
    if err is None:
        vm.raise_error(vm.c_SyntaxError, "compile error")
    kind, line, msg = err
    text = msg.decode("utf-8", "surrogateescape")
    if kind == "codegen":
        # codegen_error prints its line, then mrb_generate_code fails
        vm.flush()
        vm.err.write(f"{file}:{line}: {text}\n".encode("utf-8", "surrogateescape"))
        vm.err.flush()
        vm.raise_error(vm.c_ScriptError, "codegen error")
    vm.raise_error(vm.c_SyntaxError, f"file {file} line {line}: {text}")


# --------------------------------------------------------------- running
def _string_args(vm, args, binding: bool):
    """mrb_get_args "s|ozi" (eval, ``binding``) or "s|zi" (instance_eval,
    class_eval): each given argument converted in order, then the count
    checked.  Returns [string bytes, (binding,) file or None, line]."""
    kinds = "sozi" if binding else "szi"
    out = [None, NIL, None, 1] if binding else [None, None, 1]
    for i, (kind, a) in enumerate(zip(kinds, args)):
        if kind == "s":
            if not vm.is_str(a):
                vm.raise_error(vm.c_TypeError,
                               f"{vm.type_name_for_error(a)} cannot be converted to String")
            out[i] = bytes(vm.obj(a).value)
        elif kind == "o":
            out[i] = a
        elif kind == "z":
            out[i] = cstr(vm, a).decode("utf-8", "surrogateescape")
        else:
            out[i] = as_int(vm, a)
    if not 1 <= len(args) <= len(kinds):
        vm.argc_error(len(args), 1, len(kinds))
    return out


def _caller(vm):
    """The call-info record that called the running eval builtin."""
    frames = vm.frames
    return frames[-2] if len(frames) >= 2 else None


def eval_under(vm, self_w, src: bytes, file, line: int, target=None):
    """Compile ``src`` against the caller's scopes and run it with self
    ``self_w``: in the caller's target class (eval), or in ``target``
    (instance_eval: the singleton class, class_eval: the module), which then
    also becomes the target class of the caller's env, as
    MRB_PROC_SET_TARGET_CLASS makes it in mruby."""
    caller = _caller(vm)
    scope = caller.proc if caller is not None and caller.proc is not None \
        and caller.proc.irep is not None else None
    if scope is not None:
        return eval_in(vm, self_w, src, file, line, scope, vm.env_of(caller), target, caller)
    tc = caller.target_class if caller is not None else vm.c_Object
    return eval_in(vm, self_w, src, file, line, None, tc, target, caller)


def check_file(vm, file):
    """The file name an eval's code gets (``(eval)`` when none)."""
    if file is None:
        file = EVAL_FILE
    if len(file.encode("utf-8", "surrogateescape")) >= FILENAME_MAX:
        vm.raise_error(vm.c_ArgumentError, "filename too long")
    return file


def scope_ireps(scope) -> list:
    """The ireps of ``scope`` (a proc) and its uppers up to the first
    method, class body or top level: what a string compiled there sees."""
    out = []
    p = scope
    while p is not None and p.irep is not None:
        out.append(p.irep)
        if p.scope:
            break
        p = p.upper
    return out


def eval_in(vm, self_w, src: bytes, file, line: int, scope, env, target=None, caller=None):
    """Run ``src`` as a block of ``scope`` (a proc) over ``env`` (or, with
    no scope, ``env`` is the target class), self ``self_w``.  ``caller``:
    the frame whose scopes these are, when it is one (its envs may still be
    on its frames)."""
    file = check_file(vm, file)
    scopes = _scopes(caller) if caller is not None else scope_ireps(scope)
    irep = compile_string(vm, src, file, line, scopes)
    p = RProc(vm.c_Proc, irep)
    if scope is not None:
        tc = scope.target_class
        p.upper = scope
        p.env = env
    else:
        tc = env
    vm.alloc(p)
    if target is not None:
        tc = target
        p.target_class = target
    if tc is None:
        tc = vm.c_Object
    return _exec(vm, p, self_w, tc, _numbered_values(vm, caller, p, scopes))


def _numbered_values(vm, caller, p, scopes) -> list[int]:
    """The values of the numbered parameters ``_1``.. the string reads at
    its top level.  At the top of mruby's eval ``_1`` is a plain name, the
    caller's numbered parameter when a scope of the caller has one (its
    block used ``_1``: parse.y's setup_numparams names registers ``_1``..);
    inside the wrapper's block mrbc makes it that block's own numbered
    parameter, so the block is called with the caller's values (numbered
    parameters cannot be assigned: the copy stays equal)."""
    lvars = p.irep.lvars or ()
    count = 0
    while count < len(lvars) and lvars[count] == f"_{count + 1}":
        count += 1
    values = []
    for i in range(count):
        name, value = f"_{i + 1}", NIL
        for level, irep in enumerate(scopes):
            if name in (irep.lvars or ()):
                env = _scope_env(vm, caller, p, level)
                if env is not None:
                    value = env.get(irep.lvars.index(name) + 1)
                break
        values.append(value)
    return values


def _scope_env(vm, caller, p, level: int):
    """The env of the ``level``-th scope out of eval proc ``p``."""
    if level == 0:
        return p.env
    if caller is not None:
        return uvenv(vm, caller, level - 1)
    q = p.upper
    for _ in range(level - 1):
        q = q.upper if q is not None else None
    return q.env if q is not None else None


def _exec(vm, p, self_w, tc, args=()):
    """exec_irep of eval.c: the proc runs in place of the builtin's own
    call-info record (hidden while it runs), named after it, with ``args``
    (the numbered parameters the string reads; none in mruby)."""
    f = vm.frames[-1]
    mid = f.mid
    base = vm.stack_top()
    st = vm.stack
    st[base] = self_w
    for i in range(1, max(p.irep.nregs, 2)):
        st[base + i] = NIL
    for i, a in enumerate(args, 1):
        st[base + i] = a
    f.mid = 0
    try:
        return vm.run_proc_at(p, base, len(args), 0, tc, mid)
    finally:
        f.mid = mid


def instance_eval_string(vm, self_w, args):
    """f_instance_eval without a block: the string runs with self the
    receiver and its singleton class as target class."""
    src, file, line = _string_args(vm, args, False)
    cv = vm.singleton_class(self_w)
    return eval_under(vm, self_w, src, file, line, cv)


def class_eval_string(vm, self_w, args):
    """f_class_eval without a block: the string runs with self and target
    class the module."""
    src, file, line = _string_args(vm, args, False)
    return eval_under(vm, self_w, src, file, line, vm.obj(self_w))


@module_function("Kernel", "eval", arity=(1, 4))
def k_eval(vm, self, args, blk):
    """f_eval: eval(string, binding = nil, file = "(eval)", line = 1)."""
    src, binding, file, line = _string_args(vm, args, True)
    if binding != NIL:
        # Debian's mruby 3.1 has no Binding class: every binding is the wrong type
        vm.raise_error(vm.c_TypeError, f"wrong argument type "
                       f"{vm.class_name(vm.real_class(binding))} (expected binding)")
    return eval_under(vm, self, src, file, line)


# a call with a wrong count converts its arguments first, as mrb_get_args does
k_eval.getargs = lambda vm, args: _string_args(vm, args[:4], True) if args else None
