"""The ``riteload`` command line: the one place that wires the packages together.

Each subcommand imports what it needs when it runs, so ``riteload run``
does not pay for capstone and ``riteload info`` does not start a VM.
Bad input ends with one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from .errors import RiteError
from .versions import VERSIONS

EXIT_ERROR = 1


def _ensure_bytecode() -> None:
    """Keep a bytecode cache of the project's own modules when the
    environment sets PYTHONDONTWRITEBYTECODE.

    An editable install is imported from source; without cached bytecode
    every run recompiles the VM and core library (about 0.25 s, most of a
    small program's run).  A regular install gets the same cache from pip at
    install time.  Run at exit: only the modules this run imported are
    looked at (two stat() calls each), and those whose cache is missing or
    older than the source are compiled for the next run; a read-only
    checkout is left alone.
    """
    if not sys.dont_write_bytecode:
        return
    import os
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    stale = []
    for name, mod in list(sys.modules.items()):
        if name.partition(".")[0] not in ("riteload", "runtime", "translate"):
            continue
        spec = getattr(mod, "__spec__", None)
        src, cached = getattr(spec, "origin", None), getattr(spec, "cached", None)
        if not src or not cached or not src.startswith(root) or not src.endswith(".py"):
            continue
        try:
            if os.stat(cached).st_mtime >= os.stat(src).st_mtime:
                continue
        except OSError:
            pass
        stale.append((src, cached))
    if stale:
        import py_compile
        for src, cached in stale:
            try:
                py_compile.compile(src, cfile=cached, doraise=True)
            except (OSError, py_compile.PyCompileError):
                return


def _print_json(doc) -> None:
    import json
    sys.stdout.write(json.dumps(doc, indent=1) + "\n")


def _cmd_info(args) -> int:
    from . import load
    from .info import format_info, info_facts
    rite = load(args.file, check=False)
    if args.json:
        _print_json(info_facts(rite))
    else:
        sys.stdout.write(format_info(rite))
    return 0


def verify_file(path: str) -> dict:
    """Load and verify one file: what ``riteload verify --json`` prints of it.

    ``checks`` are the verifier's rules (``riteload.verify.RULES``) the file
    was checked against, none when it did not parse; ``error`` is None or
    the first failure: its kind, the rule it broke, where (section, irep
    index path, byte offset or pc) and the message.  Module-level, so the
    worker processes of a batch can run it.
    """
    from . import load
    from .errors import DecodeError, ParseError, VerifyError, irep_path_text
    from .verify import RULES, verify_rite
    result = {"file": path, "ok": False, "format": None, "ireps": None, "checks": [],
              "error": None}
    try:
        rite = load(path, check=False)
        result["format"] = f"RITE{rite.format_version}"
        result["ireps"] = sum(1 for _ in rite.ireps())
        result["checks"] = list(RULES)
        verify_rite(rite)
    except RiteError as e:
        if e.filename is None:
            e.filename = path
        rule = getattr(e, "rule", None) or ("parse" if isinstance(e, ParseError) else
                                            "decode" if isinstance(e, DecodeError) else "read")
        ipath = e.irep_path
        result["error"] = {
            # every verify failure is in the IREP section, though its line does not say so
            "kind": type(e).__name__, "rule": rule,
            "section": e.section or ("IREP" if isinstance(e, VerifyError) else None),
            "irep": None if ipath is None else irep_path_text(ipath),
            "irep_path": None if ipath is None else list(ipath),
            "offset": e.offset, "pc": e.pc, "message": e.message, "line": str(e)}
        return result
    result["ok"] = True
    return result


def _verify_line(result: dict) -> str:
    """One line of a batch: ``FILE: OK (RITE0300, 3 ireps)`` or
    ``FILE: FAIL (rule): where: message``."""
    if result["ok"]:
        return f"{result['file']}: OK ({result['format']}, {result['ireps']} ireps)"
    err = result["error"]
    text = err["line"]          # the line a single file prints, less its file name
    if text.startswith(result["file"]):
        text = text[len(result["file"]):].lstrip(",:").lstrip()
    return f"{result['file']}: FAIL ({err['rule']}): {text}"


def _verify_results(files: list[str], jobs: int):
    """verify_file of each file, in argument order: in this process for one
    file (or ``--jobs 1``), else in up to ``jobs`` worker processes."""
    workers = min(jobs, len(files))
    if workers <= 1:
        yield from map(verify_file, files)
        return
    from concurrent.futures import ProcessPoolExecutor

    from . import format as _format  # noqa: F401 - imported once here, before the workers fork
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, NotImplementedError):     # no process pools here (no sem_open): in-process
        yield from map(verify_file, files)
        return
    with pool:
        yield from pool.map(verify_file, files, chunksize=max(1, len(files) // (4 * workers)))


def _cmd_verify(args) -> int:
    files = args.files
    if len(files) == 1 and not args.json:      # one file: the error is one line on stderr
        from . import load
        rite = load(files[0])
        count = sum(1 for _ in rite.ireps())
        print(f"{files[0]}: OK (RITE{rite.format_version}, {count} ireps)")
        return 0
    results = []
    for result in _verify_results(files, args.jobs):
        results.append(result)
        if not args.json:
            print(_verify_line(result), flush=True)
    failed = sum(1 for r in results if not r["ok"])
    if args.json:
        _print_json(results[0] if len(files) == 1 else
                    {"files": results, "summary": {"files": len(results),
                                                   "ok": len(results) - failed,
                                                   "failed": failed}})
    else:
        print(f"{len(results)} files: {len(results) - failed} OK, {failed} failed")
    return EXIT_ERROR if failed else 0


def _cmd_disasm(args) -> int:
    from . import load
    from .disasm import listing, listing_json
    rite = load(args.file, check=False)
    if args.json:
        import json
        text = json.dumps(listing_json(rite, release=args.listing), indent=1) + "\n"
    else:
        text = listing(rite, release=args.listing)
    # pool strings are raw bytes and may be invalid UTF-8, as mruby prints them
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
    return 0


def _cmd_run(args) -> int:
    """``mruby [-e CODE] [FILE] [ARGS...]``: options before the program, the
    words after it are ARGV; no FILE (or "-") reads the program from stdin."""
    import os
    import signal

    _without_construct_debug()
    from runtime.main import EXIT_INTERRUPT, EXIT_SIGPIPE, run_file
    # a write to a pipe whose reader is gone kills the run, as it kills mruby
    # (Python ignores SIGPIPE and would raise BrokenPipeError instead)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    words = list(args.args)
    path = args.file
    if args.code and path is not None:
        words.insert(0, path)       # with -e every word is an argument
        path = None
    status = run_file(path, engine=args.engine, stats=args.stats,
                      code_cache_size=args.code_cache_size, verbose=args.verbose,
                      argv=[os.fsencode(w) for w in words], code=args.code)
    if status == EXIT_INTERRUPT:
        _die_of(signal.SIGINT, 130)
    if status == EXIT_SIGPIPE:
        _die_of(signal.SIGPIPE, 128 + signal.SIGPIPE)
    return status


def _without_construct_debug() -> None:
    """Keep ``construct.debug`` out of a run's process.

    construct's package imports it (``Probe`` and ``Debugger``, built on
    pdb), and with it pdb, inspect, dataclasses, typing...: about 25 ms, a
    sixth of the start-up of a one-line program, for tools a run never
    uses.  This process loads one program, runs it and exits, so an empty
    module stands in for that one; everywhere else (the other commands,
    riteload used as a library) construct loads whole.
    """
    import types
    if "construct" not in sys.modules:
        sys.modules.setdefault("construct.debug", types.ModuleType("construct.debug"))


def _die_of(signum: int, fallback: int) -> None:
    """End as mruby does on Ctrl-C or a closed pipe: killed by the signal.
    The VM thread may still be inside native code, so the process must not
    go through interpreter shutdown (which frees the code it is running)."""
    import os
    import signal
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:       # noqa: BLE001 - a closed pipe changes nothing here
            pass
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    os._exit(fallback)          # if the signal could not end us


def _cmd_translate(args) -> int:
    from translate.listing import translate_command
    return translate_command(args.file, irep=args.irep, raw=args.raw)


def _cmd_compare(args) -> int:
    from runtime.compare import compare_command
    return compare_command(args.file, engine=args.engine, mruby=args.mruby, mrbc=args.mrbc,
                           args=args.args, stdin=args.stdin)


def _size(text: str) -> int:
    """Parse a byte size such as 65536, 64k or 16M."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower()
    mult = units.get(t[-1:], 1)
    num = t[:-1] if t[-1:] in units else t
    try:
        value = int(num) * mult
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"size must be positive: {text!r}")
    return value


def _jobs(text: str) -> int:
    """A number of worker processes, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, told the terminal's width here: argparse
    imports shutil for it (with bz2, lzma, zlib: 3 ms of every start, as
    ``add_argument`` makes a formatter).  The width is found as
    ``shutil.get_terminal_size`` finds it: $COLUMNS, else the terminal on
    standard output, else 80."""

    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:
            try:
                width = int(os.environ.get("COLUMNS", "0"))
            except ValueError:
                width = 0
            if width <= 0:
                try:
                    width = os.get_terminal_size(sys.__stdout__.fileno()).columns
                except (AttributeError, ValueError, OSError):
                    width = 0
            width = (width or 80) - 2           # as argparse leaves two columns
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser laying out its help with ``_Formatter``."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="riteload",
        description="Load, disassemble, verify, translate and run mruby bytecode (.mrb files).")
    p.add_argument("--version", action="version", version="riteload 0.1.0")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    s = sub.add_parser("run", help="run a program as `mruby FILE ARGS...` does",
                       description="Run a compiled .mrb file (or Ruby source, compiled with "
                                   "mruby's mrbc when it is on PATH) and print what mruby 3.1 "
                                   "prints. Options go before the program; the words after it "
                                   "are the program's ARGV, as for mruby.")
    s.add_argument("file", metavar="FILE", nargs="?",
                   help="a .mrb file, Ruby source, or - (the default) for standard input")
    s.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER,
                   help="the program's arguments (ARGV)")
    s.add_argument("-e", dest="code", action="append", metavar="CODE",
                   help="one line of program (several -e make several lines); then FILE "
                        "and ARGS are all arguments")
    s.add_argument("--engine", choices=("native", "interp"), default="native",
                   help="native: x86-64 code from the translator (default); "
                        "interp: the reference interpreter")
    s.add_argument("--stats", action="store_true",
                   help="print code-cache and native/Python instruction counts to stderr at exit")
    s.add_argument("--code-cache-size", type=_size, default=16 << 20, metavar="BYTES",
                   help="bound of the native code cache, e.g. 65536, 64k, 16M (default 16M)")
    s.add_argument("-v", "--verbose", action="store_true",
                   help="print the listing of the loaded file before running, as `mruby -v -b`")
    s.set_defaults(func=_cmd_run)

    s = sub.add_parser("disasm", help="print the listing mruby prints of a .mrb file",
                       description="Print the listing `mruby -v -b FILE.mrb` prints of the loaded "
                                   "file, in the format of the mruby release that wrote it.")
    s.add_argument("file", metavar="FILE.mrb")
    # formats listed in more than one release's dialect (RITE0300: mruby 3.1's or 3.4's)
    choosy = [v for v in VERSIONS.values() if len(v.dialects) > 1]
    default = choosy[0].dialects[0]
    s.add_argument("--listing", choices=tuple(d for v in choosy for d in v.dialects),
                   default=default,
                   help="; ".join(f"for {v.ident} files (written by mruby {v.releases[0]} to "
                                  f"{v.releases[-1]})" for v in choosy)
                        + f": whose listing format to print (default {default})")
    s.add_argument("--json", action="store_true", help="print the irep tree as JSON instead")
    s.set_defaults(func=_cmd_disasm)

    s = sub.add_parser("info", help="print header, sections and sizes of a .mrb file",
                       description="Print the header, sections and sizes, irep count and "
                                   "format version of a .mrb file.")
    s.add_argument("file", metavar="FILE.mrb")
    s.add_argument("--json", action="store_true",
                   help="print the same facts as one JSON object instead")
    s.set_defaults(func=_cmd_info)

    s = sub.add_parser("verify", help="check .mrb files before anything runs them",
                       description="Check register, pool, symbol and child indexes, jump and "
                                   "catch-handler targets, and operand bounds of every irep. "
                                   "One file: 'FILE: OK (...)', or one error line on stderr. "
                                   "Several files: checked in parallel processes, one line "
                                   "per file in argument order ('FILE: OK (...)' or 'FILE: "
                                   "FAIL (rule): where: message'), then a summary line. "
                                   "Exit status 1 if any file fails.")
    s.add_argument("files", metavar="FILE.mrb", nargs="+")
    s.add_argument("--json", action="store_true",
                   help="print the result as JSON on stdout instead: one object for one "
                        "file; {\"files\": [...], \"summary\": {...}} for several")
    s.add_argument("-j", "--jobs", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                   help="worker processes for several files (default: one per CPU, "
                        f"{os.cpu_count() or 1} here); 1 checks them in this process")
    s.set_defaults(func=_cmd_verify)

    s = sub.add_parser("translate", help="print the x86-64 code generated for each instruction",
                       description="Print every RiteVM instruction followed by the x86-64 code "
                                   "the translator generates for it, disassembled by capstone.")
    s.add_argument("file", metavar="FILE.mrb")
    s.add_argument("--irep", metavar="PATH",
                   help="only this irep, by index path: 'root', '0', '0.2'")
    s.add_argument("--raw", metavar="OUT", help="also write the generated code bytes to OUT")
    s.set_defaults(func=_cmd_translate)

    s = sub.add_parser("compare", help="diff riteload against real mruby on one program",
                       description="Compile FILE.rb with mrbc (or take FILE.mrb), run it under "
                                   "`mruby -b` and under riteload, and print a unified diff of "
                                   "stdout, stderr and exit status. Exit 0 only when identical. "
                                   "The mruby run is the release the .mrb's format names: "
                                   "mruby on PATH for RITE0300 (mruby 3.1), mruby 4.0.0 for "
                                   "RITE0400 ($MRUBY40, else "
                                   "../shared/tools/mruby-4.0.0/bin/mruby beside the "
                                   "checkout; RITE0200, mruby 3.0, needs --mruby); --mruby "
                                   "PATH runs that binary instead, whatever the format. "
                                   "Options go before the program; the words after it are its "
                                   "ARGV on both sides. Without ARGS and --stdin, the fixture "
                                   "sidecars NAME.args and NAME.stdin beside the program give "
                                   "them. Each side runs in a fresh folder of its own, but a "
                                   ".mrb without sidecars runs in its own folder. A missing or "
                                   "non-executable mruby or mrbc is one error line, status 1.")
    s.add_argument("file", metavar="FILE.rb|FILE.mrb")
    s.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER,
                   help="the program's arguments (ARGV), given to mruby and riteload alike")
    s.add_argument("--stdin", metavar="FILE",
                   help="feed FILE's bytes to both on standard input (- for this one's own); "
                        "default: NAME.stdin beside the program, else nothing")
    s.add_argument("--engine", choices=("native", "interp"), default="native")
    s.add_argument("--mruby", metavar="PATH",
                   help="the mruby binary to compare with (a name without / is looked up "
                        "on PATH); default: the release the file's format names, see above")
    s.add_argument("--mrbc", default="mrbc", metavar="PATH",
                   help="the mrbc binary that compiles FILE.rb (default: mrbc on PATH; "
                        "mruby 4.0.0's makes a RITE0400 file, compared with mruby 4.0.0)")
    s.set_defaults(func=_cmd_compare)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except RiteError as e:
        if e.filename is None:      # every error names the file (a decoded iseq does not)
            e.filename = getattr(args, "file", None)
        sys.stderr.write(f"riteload: {e}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    finally:
        _ensure_bytecode()


def entry() -> None:
    """``riteload`` and ``python -m riteload``: ``main()``, then the process
    ends without Python's teardown once what it wrote is flushed.  Freeing
    every object a run made one by one took 20-80 ms, more than the rest
    of a small program's exit (mruby's mrb_close frees its heap in pages);
    the kernel reclaims the memory and closes the descriptors anyway.
    ``main`` itself returns, for callers in the same process."""
    try:
        status = main()
    except SystemExit as e:         # argparse: --help, --version, a usage error
        status = e.code
    if status is None:              # as sys.exit would take each
        status = 0
    elif not isinstance(status, int):
        sys.stderr.write(f"{status}\n")
        status = EXIT_ERROR
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe or stream: nothing more to say
            pass
    os._exit(status)


if __name__ == "__main__":
    entry()
