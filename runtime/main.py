"""``riteload run``: load a .mrb file and run it as ``mruby -b FILE`` does.

Exit status: 0, or 1 after an uncaught Ruby exception (printed on stderr in
mruby's format) or a load error (one line on stderr), 130 on Ctrl-C, and
``EXIT_SIGPIPE`` when the reader of a pipe the program writes went away
(the CLI then ends by SIGPIPE, as mruby does).  The program may be Ruby
source, ``-e`` code or standard input (runtime/program.py).
The VM runs in a thread with a large C stack and a high Python recursion
limit, so deep Ruby recursion ends in SystemStackError at mruby's depth,
never in a Python RecursionError.
"""

from __future__ import annotations

import gc
import os
import sys
import threading

EXIT_FAILURE = 1
EXIT_INTERRUPT = 130
EXIT_SIGPIPE = -13          # as subprocess reports a death by SIGPIPE
THREAD_STACK = 512 << 20
RECURSION_LIMIT = 200_000
# Python's cyclic collector during a run: a young collection every 50,000
# container allocations (Python's default: 700), older ones 20 times rarer
PY_GC_THRESHOLD = (50_000, 20, 20)


def make_engine(engine: str, code_cache_size: int = 16 << 20, stats: bool = False):
    """The engine object for ``--engine``.

    Hook for the native engine: ``runtime.native.NativeEngine(code_cache_size=...,
    stats=...)``; when runtime/native.py is missing or fails to import, the
    interp engine runs instead.
    """
    if engine == "native":
        try:
            from .native import NativeEngine
        except Exception:  # noqa: BLE001 - no native engine here: the interpreter runs
            NativeEngine = None
        if NativeEngine is not None:
            return NativeEngine(code_cache_size=code_cache_size, stats=stats)
    from .interp import InterpEngine
    return InterpEngine()


def print_uncaught(vm, exc: int, out) -> None:
    """mrb_print_error: the backtrace lines, then ``LOC: message (Class)``."""
    from .abi import NIL
    o = vm.obj(exc)
    bt = (o.ivars or {}).get(vm.SYM_backtrace)
    if bt is None or bt == NIL:
        lines = None                    # no backtrace at all: see uncaught_head
    elif vm.is_ary(bt):
        lines = [bytes(vm.obj(w).value) if vm.is_str(w) else None for w in vm.obj(bt).items]
    else:
        data = getattr(vm.obj(bt), "data", None)
        if not isinstance(data, list):
            return
        lines = [s.encode("utf-8", "surrogateescape") for s in vm.backtrace_strings(data)]
    head = vm.uncaught_head(lines)
    if head is None:
        return
    buf = bytearray(head)
    buf += exc_inspect(vm, exc, pending=True) + b"\n"
    out.write(bytes(buf))
    out.flush()


def exc_inspect(vm, exc: int, pending: bool = False) -> bytes:
    """mrb_exc_inspect: ``message (Class)`` from the raw message ivar
    (``pending``: as printed for an uncaught exception)."""
    o = vm.obj(exc)
    mesg = (o.ivars or {}).get(vm.SYM_mesg, 8)
    cname = vm.class_name(vm.real_class(exc)).encode()
    if mesg == 8:
        m = b""
    elif pending:
        m = _pending_as_string(vm, mesg)
    else:
        m = vm.str_bytes_of(vm.obj_as_string(mesg))
    if not m:
        return cname
    return m + b" (" + cname + b")"


# classes whose to_s is Ruby code in mruby 3.1 (mrblib's alias to_s inspect,
# mruby-rational/complex's def to_s)
_MRBLIB_TO_S = ("Array", "Hash", "Struct", "Rational", "Complex")


def _pending_as_string(vm, w) -> bytes:
    """mrb_obj_as_string of a non-String message when mruby prints an
    uncaught exception: Symbols, Integers and modules are converted
    directly; a to_s written in C runs, but one written in Ruby (the
    program's, or mrblib's) does not get to run while the exception is
    still pending, and the message shows as mrb_any_to_s gives it."""
    from .errors import RubyError
    if vm.is_str(w) or vm.is_sym(w) or vm.is_int(w) or vm.is_class(w):
        return vm.str_bytes_of(vm.obj_as_string(w))
    m, _ = vm.find_method(vm.class_of(w), vm.SYM_to_s)
    if m is None or m.fn is None or (m.owner is not None
                                     and vm.class_name(m.owner) in _MRBLIB_TO_S):
        return vm.any_to_s_str(w).encode()
    try:
        s = vm.funcall(w, vm.SYM_to_s)
    except RubyError:
        return vm.any_to_s_str(w).encode()
    return vm.str_bytes_of(s) if vm.is_str(s) else vm.any_to_s_str(w).encode()


def _listing(rite, release: str) -> str:
    try:
        from riteload.disasm import listing
    except Exception:  # noqa: BLE001 - a listing is only a help  # pragma: no cover
        return ""
    try:
        return listing(rite, release=release)
    except TypeError:      # pragma: no cover
        return listing(rite)


def run_file(path: str | None, engine: str = "native", stats: bool = False,
             code_cache_size: int = 16 << 20, verbose: bool = False,
             stdout=None, stderr=None, timeout: float = None, argv=(), stdin=None,
             code=None) -> int:
    """Run a program as ``mruby [-b] FILE ARGS...`` does; return the exit
    status.  ``path`` is a .mrb file, Ruby source, or "-"/None for standard
    input; ``code`` (a list of lines) runs as ``mruby -e``; ``argv`` becomes
    ARGV.  ``stdin``/``stdout``/``stderr`` are binary streams (default: the
    process's); ``timeout`` (seconds) makes a run that does not finish in
    time return -1 (for tests)."""
    from riteload.errors import RiteError

    from .program import CompileError, load_program
    from .settings import SettingError, check
    out = stdout if stdout is not None else sys.stdout.buffer
    err = stderr if stderr is not None else sys.stderr.buffer
    try:
        check()
    except SettingError as e:
        err.write(f"riteload: {e}\n".encode("utf-8", "surrogateescape"))
        err.flush()
        return EXIT_FAILURE
    if isinstance(stdin, (bytes, bytearray)):
        import io
        stdin = io.BytesIO(stdin)
    try:
        program = load_program(path, code=code, stdin=stdin, verbose=verbose)
    except RiteError as e:
        err.write(f"riteload: {e}\n".encode("utf-8", "surrogateescape"))
        err.flush()
        return EXIT_FAILURE
    except CompileError as e:
        err.write(e.message)
        err.flush()
        return EXIT_FAILURE
    if program.messages:
        err.write(program.messages)
        err.flush()
    rite = program.rite
    from .dialects import dialect_for
    dialect = dialect_for(rite.format_version)
    missing = _without_semantics(rite, dialect)
    if missing is not None:
        err.write(f"riteload: {missing}\n".encode("utf-8", "surrogateescape"))
        err.flush()
        return EXIT_FAILURE
    if verbose and program.listing is not None:
        out.write(program.listing)          # mrbc -v: the parse tree and the listing
    elif verbose:
        out.write(dialect.version_line.encode() + b"\n")
        out.write(_listing(rite, dialect.listing).encode("utf-8", "surrogateescape"))
    result = [EXIT_FAILURE]
    # mruby keeps the program file open while it runs (descriptor 3 when
    # nothing else is open): the program's own files get the numbers they get there
    held = _hold_open(program.source)

    def body():
        result[0] = _run(rite, engine, stats, code_cache_size, out, err,
                         program.name, argv, stdin, dialect)

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(RECURSION_LIMIT)
    old_size = threading.stack_size()
    threading.stack_size(THREAD_STACK)
    try:
        t = threading.Thread(target=body, name="riteload-vm", daemon=True)
        t.start()
    finally:
        threading.stack_size(old_size)
    try:
        if timeout is not None:
            t.join(timeout)
            if t.is_alive():
                return -1
        while t.is_alive():
            t.join(0.25)
    except KeyboardInterrupt:
        try:
            out.flush()
        except Exception:  # noqa: BLE001 - a closed stdout must not hide the exit status
            pass
        return EXIT_INTERRUPT
    finally:
        sys.setrecursionlimit(old_limit)
        if held is not None and not t.is_alive():
            os.close(held)
    return result[0]


def _hold_open(source: str | None) -> int | None:
    try:
        return os.open(source, os.O_RDONLY | os.O_CLOEXEC) if source else None
    except OSError:
        return None


def _without_semantics(rite, dialect):
    """A message naming the first instruction the file's dialect has no
    semantics for (mruby 3.0's opcodes that 3.1 dropped), else None."""
    ops = dialect.ops
    for irep in rite.ireps():
        for ins in irep.instructions:
            if ins.name not in ops:
                return (f"{rite.filename}, {irep.path_name}, pc {ins.pc}: opcode {ins.name} of "
                        f"RITE{rite.format_version} has no semantics in this runtime "
                        f"(riteload runs it as mruby {dialect.release})")
    return None


def _run(rite, engine, stats, code_cache_size, out, err, name, argv, stdin, dialect=None) -> int:
    from .errors import RubyError, Unwind
    from .settings import gc_stress
    from .vm import VM
    eng = make_engine(engine, code_cache_size, stats)
    vm = VM(engine=eng, stdout=out, stderr=err, dialect=dialect)
    # what boot made lives as long as the run: out of Python's cyclic
    # collector's way, which would walk it at every full collection
    gc.freeze()
    # and that collector runs less often: a run makes Python containers by
    # the hundred thousand, few of them in cycles (runtime/gc.py frees Ruby
    # objects; this one only finds Python-level cycles), and collecting
    # every 700 cost bench/programs/strhash.rb and lambdas.rb 10-20% of
    # their time
    threshold = gc.get_threshold()
    gc.set_threshold(*PY_GC_THRESHOLD)
    vm.inp = stdin
    if gc_stress():
        vm.start_gc_stress()
    status = 0
    nomem = False
    try:
        vm.setup_program(name, argv)
        vm.run_main(rite)
    except RubyError as e:
        vm.flush()
        print_uncaught(vm, e.exc, err)
        status = EXIT_FAILURE
    except Unwind:
        # a break/return that found no target: mruby reports LocalJumpError
        vm.flush()
        status = EXIT_FAILURE
    except BrokenPipeError:
        # the reader of a pipe went away (`riteload run x.mrb | head`): SIGPIPE
        # ends mruby there, without another word; what is still buffered is lost
        return EXIT_SIGPIPE
    except MemoryError:
        # Python ran out where mruby raises its NoMemoryError ("Out of memory"):
        # uncaught, it ends the run with status 1; mruby keeps no backtrace for
        # it while out of memory (mrb_exc_set), so mrb_print_error prints
        # nothing of it (3.1) or ``(unknown):0: Out of memory (NoMemoryError)``
        # (4.0; vm.uncaught_head).  Leaving this block drops the traceback, and
        # with it what the failed frames held, before the flush and the print.
        status = EXIT_FAILURE
        nomem = True
    except Exception as e:  # noqa: BLE001 - a bug of riteload itself: one line, or the traceback on request
        vm.flush()
        if os.environ.get("RITELOAD_DEBUG"):
            import traceback
            err.write(traceback.format_exc().encode("utf-8", "replace"))
        else:
            what = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            err.write(f"riteload: internal error: {name}: {what} "
                      f"(set RITELOAD_DEBUG=1 for the traceback)\n".encode("utf-8", "replace"))
        status = EXIT_FAILURE
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        try:
            vm.flush()
        except BrokenPipeError:
            status = EXIT_SIGPIPE
    if nomem and status == EXIT_FAILURE:
        print_uncaught(vm, vm.exc_new(vm.c_NoMemoryError, "Out of memory"), err)
    if stats:
        report = getattr(eng, "stats_report", None)
        if report is not None:
            err.write(report().encode())
            err.write((vm.heap_stats_line() + "\n").encode())
    return status
