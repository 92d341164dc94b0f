"""Mutation fuzzing of ``riteload run``: mutate real .mrb files, run them, count the outcomes.

Each case is a fixture program with one to three mutations of its parsed
irep tree (an iseq byte, an opcode swapped for another of the same operand
layout, an operand set to a boundary value, a symbol renamed, a pool literal
retyped, nregs changed, a catch handler moved) or, now and then, of its raw
bytes, written back with ``riteload.build``.  The iseq keeps its length, so
debug info still fits and most cases pass ``riteload verify`` and run.

Every case runs under each engine asked for, as ``riteload run`` runs it
(``runtime.main.run_file``), in a worker process that runs many cases one
after the other; a worker killed by a signal, or silent past the timeout,
is replaced and its case counted.  Outcomes:

* ``ok``: exit status 0;
* ``clean``: one ``riteload: ...`` line and status 1 (the loader or the
  verifier refused the file);
* ``ruby``: an uncaught Ruby exception, printed as mruby prints it;
* ``loop``: no answer within the timeout, and ``mruby -b`` does not finish
  that file either (a loop the mutation made);
* ``timeout``: no answer within the timeout, where mruby finishes (or is not
  on PATH to ask);
* ``internal``: ``riteload: internal error`` (a bug of riteload);
* ``traceback``: a Python traceback on stderr (a bug);
* ``signal``: the worker died of a signal (a bug);
* ``other``: any other status.

Usage:

    python scripts/fuzz_run.py --cases 2000 --engine interp --engine native
    python scripts/fuzz_run.py --cases 200 --seed 7 --keep /tmp/bad fixtures/mrb/035_*.mrb

Exit status 1 when any case is ``internal``, ``traceback``, ``signal`` or
``other``; the files of those cases are kept (``--keep``, default
/tmp/riteload-fuzz) to reproduce with ``riteload run --engine E FILE``.
tests/test_mutation.py runs a fixed sample of this under both engines.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: programs mutated by default: quick ones (well under 0.1 s each) that span
#: calls, splats and keywords, blocks and procs, rescue/ensure, classes
#: and singletons, strings, hashes, structs and enumerators (fibers)
DEFAULT_PROGRAMS = [
    "fixtures/versions/3.1.0/v01_calls.mrb",
    "fixtures/versions/3.1.0/v02_blocks.mrb",
    "fixtures/versions/3.1.0/v03_errors.g.mrb",
    "fixtures/versions/3.1.0/v04_numbers.mrb",
    "fixtures/versions/3.1.0/v05_collections.mrb",
    "fixtures/mrb/012_procs_lambdas.mrb",
    "fixtures/mrb/021_keyword_args.mrb",
    "fixtures/mrb/022_splat_calls.mrb",
    "fixtures/mrb/023_struct.mrb",
    "fixtures/mrb/026_enumerator.mrb",
    "fixtures/mrb/034_singleton_methods.mrb",
    "fixtures/mrb/035_word_frequency.mrb",
    "fixtures/mrb/046_hash_advanced.mrb",
]

#: outcomes that are riteload bugs
BUGS = ("internal", "traceback", "signal", "other")

#: names a renamed symbol may take: methods whose receivers and arguments
#: have types the bytecode around them did not prepare
SYMBOL_NAMES = [
    "call", "each", "map", "new", "send", "__send__", "instance_eval", "class_eval",
    "instance_exec", "define_method", "method_missing", "to_proc", "to_a", "to_s", "to_h",
    "[]", "[]=", "+", "<<", "==", "<=>", "raise", "loop", "yield", "proc", "lambda",
    "initialize", "inspect", "p", "puts", "attr_accessor", "include", "extend", "super",
    "Object", "Array", "Hash", "String", "Proc", "Integer", "Class", "Comparable", "Kernel",
    "@x", "$x", "@@x", "X", "x",
]

BOUNDARY = [0, 1, 2, 3, 7, 14, 15, 16, 0x7F, 0x80, 0xF0, 0xFE, 0xFF]


# --------------------------------------------------------------------- mutations

def _instructions(irep):
    try:
        return irep.instructions
    except Exception:       # noqa: BLE001 - a mutated iseq may not decode
        return []


def _mutate_model(rng: random.Random, rite) -> None:
    """One mutation of the irep tree of ``rite``, in place."""
    from riteload.model import POOL_FLOAT, POOL_INT32, POOL_STR, PoolValue
    from riteload.opcodes import table_for

    ireps = list(rite.ireps())
    irep = rng.choice(ireps)
    iseq = bytearray(irep.iseq)
    insns = _instructions(irep)
    kind = rng.randrange(9)
    if kind == 0 and iseq:                                  # any iseq byte
        iseq[rng.randrange(len(iseq))] = rng.choice([rng.randrange(256)] + BOUNDARY)
    elif kind in (1, 2) and insns:                          # opcode, same operand layout
        table = table_for(irep.format_version)
        ins = rng.choice(insns)
        same = [op for op in table if op.layout == ins.layout and not op.name.startswith("EXT")]
        iseq[ins.pc] = rng.choice(same).number
    elif kind in (3, 4) and insns:                          # an operand byte
        ins = rng.choice(insns)
        if ins.size > 1:
            iseq[rng.randrange(ins.pc + 1, ins.pc + ins.size)] = rng.choice(BOUNDARY)
    elif kind == 5 and irep.syms:                           # a symbol renamed
        i = rng.randrange(len(irep.syms))
        others = [s for r in ireps for s in r.syms if s]
        irep.syms[i] = rng.choice(SYMBOL_NAMES + others)
    elif kind == 6 and irep.pool:                           # a literal retyped
        i = rng.randrange(len(irep.pool))
        irep.pool[i] = rng.choice([PoolValue(POOL_STR, b"x"), PoolValue(POOL_INT32, -1),
                                   PoolValue(POOL_FLOAT, 0.5), PoolValue(POOL_STR, b"")])
    elif kind == 7:                                         # register count
        irep.nregs = max(irep.nlocals, irep.nregs + rng.choice([-2, -1, 1, 2]), 1)
    elif irep.handlers and insns:                           # a catch handler moved
        h = rng.choice(irep.handlers)
        pcs = [i.start for i in insns]
        setattr(h, rng.choice(["begin", "end", "target"]), rng.choice(pcs))
        if rng.random() < 0.2:
            h.type ^= 1
    elif iseq:
        iseq[rng.randrange(len(iseq))] = rng.randrange(256)
    irep.iseq = bytes(iseq)
    irep._instructions = None


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    d = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        p = rng.randrange(len(d))
        if rng.random() < 0.5:
            d[p] ^= 1 << rng.randrange(8)
        else:
            d[p] = rng.randrange(256)
    return bytes(d)


def mutant(rng: random.Random, data: bytes) -> bytes:
    """A mutated copy of the .mrb file ``data``."""
    from riteload.format import build_rite, parse_rite

    if rng.random() < 0.1:
        return _mutate_bytes(rng, data)
    rite = copy.deepcopy(parse_rite(data, "fuzz.mrb"))
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        _mutate_model(rng, rite)
    try:
        return build_rite(rite)
    except Exception:       # noqa: BLE001 - a mutation the writer cannot encode: the raw way
        return _mutate_bytes(rng, data)


def _loads(data: bytes) -> bool:
    from riteload import RiteError, parse, verify
    try:
        verify(parse(data))
    except RiteError:
        return False
    return True


def make_cases(programs: list[Path], count: int, seed: int, out: Path,
               refused: float = 0.2) -> list[Path]:
    """Write ``count`` mutants of ``programs`` (round robin) to ``out``.  About
    ``refused`` of them are the first mutant drawn, which the loader or the
    verifier often refuses; the others are the first of up to 20 draws that
    loads, so that most cases run."""
    rng = random.Random(seed)
    sources = [(p.stem, p.read_bytes()) for p in programs]
    paths = []
    for i in range(count):
        stem, data = sources[i % len(sources)]
        tries = 1 if rng.random() < refused else 20
        for _ in range(tries):
            case = mutant(rng, data)
            if tries == 1 or _loads(case):
                break
        path = out / f"case{i:05d}_{stem}.mrb"
        path.write_bytes(case)
        paths.append(path)
    return paths


# ------------------------------------------------------------------- outcomes

def classify(status: int, err: bytes) -> str:
    """The outcome of one run from its exit status and stderr."""
    text = err.decode("utf-8", "replace")
    if status == -1:
        return "timeout"
    if "riteload: internal error" in text:
        return "internal"
    if "Traceback (most recent call last)" in text:
        return "traceback"
    if status == 0:
        return "ok"
    if status != 1:
        return "other"
    lines = text.splitlines()
    if len(lines) == 1 and lines[0].startswith("riteload: "):
        return "clean"
    return "ruby"


def _worker(engine: str, timeout: float, paths: list[str]) -> None:
    """Run each case in this process; one JSON line per case on stdout."""
    import io
    import threading

    from runtime.main import run_file

    crashed = []

    def hook(args):                 # an exception escaping the VM thread
        import traceback
        crashed.append("".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                          args.exc_traceback)))

    threading.excepthook = hook
    out = sys.stdout
    for path in paths:
        o, e = io.BytesIO(), io.BytesIO()
        crashed.clear()
        t = time.perf_counter()
        status = run_file(path, engine=engine, stdout=o, stderr=e, timeout=timeout)
        err = e.getvalue() + "".join(crashed).encode()
        out.write(json.dumps({"path": path, "status": status,
                              "err": err[-2000:].decode("utf-8", "replace"),
                              "time": round(time.perf_counter() - t, 3)}) + "\n")
        out.flush()
        if status == -1:            # the VM thread still runs: start a fresh worker
            os._exit(0)
    os._exit(0)


def run_cases(paths: list[Path], engine: str, timeout: float = 10.0,
              progress=None) -> list[dict]:
    """Run every case under ``engine`` in worker processes; one result dict
    per case: path, status, err, outcome."""
    results = []
    todo = [str(p) for p in paths]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("RITELOAD_DEBUG", None)
    while todo:
        errfile = tempfile.TemporaryFile()     # a file: a chatty worker never blocks on it
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", engine, str(timeout),
             *todo], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errfile,
            env=env, cwd=str(ROOT))
        buf = b""
        done = 0
        timed_out = False       # this worker reported a timeout (then quits)
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], timeout + 20)
            if not ready:               # silent: hung without returning to Python
                proc.kill()
                proc.wait()
                results.append({"path": todo[done], "status": None, "outcome": "timeout",
                                "err": "worker silent past the timeout"})
                done += 1
                break
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                proc.wait()
                # after a timeout the worker quits with its VM thread still running
                # (which may die first, of the recursion limit run_file restored):
                # how it ends belongs to no case
                if done < len(todo) and not timed_out:
                    rc = proc.returncode
                    errfile.seek(0)
                    stderr = errfile.read().decode("utf-8", "replace")[-2000:]
                    results.append({"path": todo[done], "status": rc, "err": stderr,
                                    "outcome": "signal" if rc < 0 else "other"})
                    done += 1
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                r = json.loads(line)
                r["outcome"] = classify(r["status"], r["err"].encode())
                timed_out = r["outcome"] == "timeout"
                results.append(r)
                done += 1
                if progress:
                    progress(r)
        proc.stdout.close()
        errfile.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        todo = todo[done:]
    return results


def mruby_loops(path: str, timeout: float) -> bool:
    """Does ``mruby -b`` (on PATH) run past ``timeout`` seconds on this file too?"""
    import shutil
    mruby = shutil.which("mruby")
    if mruby is None:
        return False
    try:
        subprocess.run([mruby, "-b", path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        return True
    return False


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("programs", nargs="*", type=Path, help="the .mrb files to mutate")
    p.add_argument("--cases", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--engine", action="append", choices=("interp", "native"))
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per case")
    p.add_argument("--keep", type=Path, default=Path(tempfile.gettempdir()) / "riteload-fuzz",
                   help="where the files of failing cases are copied")
    p.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        engine, timeout, *paths = args.worker
        _worker(engine, float(timeout), paths)
        return 0
    programs = args.programs or [ROOT / p for p in DEFAULT_PROGRAMS]
    engines = args.engine or ["interp", "native"]
    bad = 0
    with tempfile.TemporaryDirectory(prefix="riteload-fuzz-") as tmp:
        paths = make_cases(programs, args.cases, args.seed, Path(tmp))
        for engine in engines:
            start = time.perf_counter()
            results = run_cases(paths, engine, args.timeout)
            for r in results:
                if r["outcome"] == "timeout" and mruby_loops(r["path"], args.timeout):
                    r["outcome"] = "loop"
            counts = Counter(r["outcome"] for r in results)
            line = ", ".join(f"{k} {counts[k]}" for k in
                             ("ok", "clean", "ruby", "loop", "timeout") + BUGS)
            print(f"{engine}: {len(results)} cases in {time.perf_counter() - start:.0f} s: "
                  f"{line}")
            for r in results:
                if r["outcome"] in BUGS or r["outcome"] == "timeout":
                    args.keep.mkdir(parents=True, exist_ok=True)
                    kept = args.keep / Path(r["path"]).name
                    kept.write_bytes(Path(r["path"]).read_bytes())
                    last = (r["err"].strip().splitlines() or [""])[-1]
                    print(f"  {r['outcome']}: {kept}: {last[:200]}")
                    bad += r["outcome"] in BUGS
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
