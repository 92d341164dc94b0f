#!/usr/bin/env python3
"""Time CPU-bound Ruby programs under mruby and under riteload's two engines.

Usage: python bench/run.py [--repeat N] [--quick] [--scale K] [NAME ...]
       python bench/run.py --baseline OLD_CHECKOUT [--repeat N] [--scale K] [NAME ...]

Each ``bench/programs/NAME.rb`` is compiled with ``mrbc`` into a temporary
folder, then run as ``mruby -b``, ``riteload run --engine native`` and
``riteload run --engine interp`` (``--quick``: the interpreter only on the
programs that take it under a few seconds).  Outputs must agree.  The table
gives the best wall time of ``--repeat`` runs, the same minus the start-up
time of an empty program (riteload boots a Python VM: 0.2 s), and
the ratios to mruby: "whole n/m" is riteload native's whole-process time
(start-up included) over mruby's, the figure performance claims use; the
"net" ratios subtract each tool's start-up.  ``--stats`` figures of the
native run (share of instructions that stayed native) are printed below
the table.  The checkout's modules are byte-compiled first (``_byte_compile``).
``--baseline`` compares two checkouts instead (``compare``): before/after
figures of a change, each round alternating mruby and the two.
``--scale K`` gives each program K as ARGV[0]: the programs that take mruby
less than a quarter second at scale 1 (where start-up is most of riteload's
time) run K times their work; the others ignore it.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROGRAMS = HERE / "programs"
SLOW_FOR_INTERP = {"loop_sum", "bitops", "fib", "chains"}   # a minute or more under the interpreter


def _time(cmd: list[str], repeat: int, cwd: Path, env=None) -> tuple[float, bytes]:
    best, out = float("inf"), b""
    for _ in range(repeat):
        t = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, env=env)
        dt = time.perf_counter() - t
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n"
                             f"{p.stderr.decode(errors='replace')[-2000:]}")
        best = min(best, dt)
        out = p.stdout
    return best, out


def _byte_compile(root: Path) -> None:
    """Write the checkout's bytecode, as pip does for the files it installs
    (and riteload's CLI at the end of a run when PYTHONDONTWRITEBYTECODE is
    set): the first timed run would otherwise compile every module it
    imports, 0.1-0.15 s more, and ``--repeat 1`` would report that."""
    for pkg in ("riteload", "runtime", "translate"):
        compileall.compile_dir(root / pkg, quiet=1)


def compare(names: list[str], rounds: int, baseline: Path, argv: list[str]) -> int:
    """``--baseline DIR``: per program, ``rounds`` rounds of ``mruby -b``,
    the native engine of the riteload checkout at DIR, then this one's, in
    turn (a noisy machine's drift falls on all three alike); the minimum of
    each and both whole-process ratios to mruby."""
    checkouts = {"baseline": baseline.resolve(), "this": ROOT}
    for root in checkouts.values():
        if not (root / "runtime").is_dir():
            raise SystemExit(f"{root}: not a riteload checkout")
        _byte_compile(root)
    print(f"baseline {checkouts['baseline']}, this {ROOT}: the minimum of {rounds} "
          "interleaved rounds\n")
    head = (f"{'program':<12} {'mruby':>8} {'baseline':>9} {'this':>8} | "
            f"{'baseline/m':>10} {'this/m':>8}")
    print(head)
    print("-" * len(head))
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        for name in names:
            mrb = tmpd / f"{name}.mrb"
            subprocess.run(["mrbc", "-o", str(mrb), str(PROGRAMS / f"{name}.rb")], check=True)
            best = {"mruby": float("inf"), "baseline": float("inf"), "this": float("inf")}
            for _ in range(rounds):
                t_m, out_m = _time(["mruby", "-b", str(mrb), *argv], 1, tmpd)
                best["mruby"] = min(best["mruby"], t_m)
                for key, root in checkouts.items():
                    env = dict(os.environ, PYTHONPATH=str(root))
                    t, out = _time([sys.executable, "-m", "riteload", "run", str(mrb), *argv],
                                   1, tmpd, env)
                    if out != out_m:
                        raise SystemExit(f"{name}: {key}'s output differs from mruby's")
                    best[key] = min(best[key], t)
            m = best["mruby"]
            print(f"{name:<12} {m:8.3f} {best['baseline']:9.3f} {best['this']:8.3f} | "
                  f"{best['baseline'] / m:9.2f}x {best['this'] / m:7.2f}x", flush=True)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="programs to run (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true",
                    help="skip the interpreter on programs that take it very long "
                         "(on all of them with --scale)")
    ap.add_argument("--baseline", type=Path, metavar="DIR",
                    help="another riteload checkout (a git worktree of an older commit): "
                         "time its native engine and this one's beside mruby, interleaved, "
                         "--repeat rounds")
    ap.add_argument("--scale", type=int, default=1, metavar="K",
                    help="ARGV[0] of every program: K times the work of the short ones")
    args = ap.parse_args(argv)
    if args.scale < 1:
        ap.error("--scale must be at least 1")
    prog_argv = [str(args.scale)] if args.scale != 1 else []
    for tool in ("mruby", "mrbc"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not on PATH (apt-get install mruby)")
    names = args.names or sorted(p.stem for p in PROGRAMS.glob("*.rb"))
    if args.baseline is not None:
        return compare(names, args.repeat, args.baseline, prog_argv)
    riteload = [sys.executable, "-m", "riteload", "run"]
    env_path = str(ROOT)
    os.environ["PYTHONPATH"] = env_path + os.pathsep + os.environ.get("PYTHONPATH", "")
    _byte_compile(ROOT)

    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        empty = tmpd / "empty.mrb"
        (tmpd / "empty.rb").write_text("nil\n")
        subprocess.run(["mrbc", "-o", str(empty), "empty.rb"], cwd=tmpd, check=True)
        base = {e: _time(riteload + ["--engine", e, str(empty)], args.repeat, tmpd)[0]
                for e in ("native", "interp")}
        base["mruby"] = _time(["mruby", "-b", str(empty)], args.repeat, tmpd)[0]

        rows, stats = [], []
        for name in names:
            src = PROGRAMS / f"{name}.rb"
            mrb = tmpd / f"{name}.mrb"
            subprocess.run(["mrbc", "-o", str(mrb), str(src)], check=True)
            t_m, out_m = _time(["mruby", "-b", str(mrb), *prog_argv], args.repeat, tmpd)
            t_n, out_n = _time(riteload + ["--engine", "native", str(mrb), *prog_argv],
                               args.repeat, tmpd)
            if out_n != out_m:
                raise SystemExit(f"{name}: native output differs from mruby's")
            t_i = None
            if not (args.quick and (name in SLOW_FOR_INTERP or args.scale > 1)):
                t_i, out_i = _time(riteload + ["--engine", "interp", str(mrb), *prog_argv], 1,
                                   tmpd)
                if out_i != out_m:
                    raise SystemExit(f"{name}: interp output differs from mruby's")
            p = subprocess.run(riteload + ["--engine", "native", "--stats", str(mrb), *prog_argv],
                               cwd=tmpd, capture_output=True)
            stats.append((name, [ln for ln in p.stderr.decode().splitlines()
                                 if ln.startswith(("native:", "code cache:"))]))
            rows.append((name, t_m, t_n, t_i))

    def net(t, engine):
        return max(t - base[engine], 1e-3)

    print(f"start-up (empty program): mruby {base['mruby']:.3f}s, native {base['native']:.3f}s, "
          f"interp {base['interp']:.3f}s; 'net' subtracts it\n")
    head = (f"{'program':<12} {'mruby':>8} {'native':>8} {'interp':>8} | {'whole n/m':>9} | "
            f"{'net native':>10} {'net interp':>10} | {'native/mruby':>12} {'interp/mruby':>12} "
            f"{'interp/native':>13}")
    print(head)
    print("-" * len(head))
    for name, t_m, t_n, t_i in rows:
        nm, nn = net(t_m, "mruby"), net(t_n, "native")
        ni = net(t_i, "interp") if t_i is not None else None
        ti_s = f"{t_i:8.3f}" if t_i is not None else f"{'-':>8}"
        ni_s = f"{ni:10.3f}" if ni is not None else f"{'-':>10}"
        r_i = f"{ni / nm:12.1f}x" if ni is not None else f"{'-':>13}"
        r_in = f"{ni / nn:12.1f}x" if ni is not None else f"{'-':>13}"
        print(f"{name:<12} {t_m:8.3f} {t_n:8.3f} {ti_s} | {t_n / t_m:8.2f}x | {nn:10.3f} {ni_s} | "
              f"{nn / nm:11.1f}x {r_i} {r_in}")
    print()
    for name, lines in stats:
        print(f"{name}:")
        for ln in lines:
            print(f"  {ln}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
