"""Number behaviours of mruby 4.0.0 no fixture program pins down, under both
engines: what mrb_integer reads of a value that is no Integer (Integer#&,
|, ^, to_s's radix: runtime/dialects/mruby40/boxing.py), Floats compared
with Rationals as exact doubles, Rationals past 64 bits, Integer#step's
counter.

The program is compiled by mruby 4.0.0's mrbc and compared with what its
mruby prints, live when the binaries are at hand (tests/test_mruby40.py's
MRUBY40), else with the recording in tests/recorded/m40_numbers.*
(``RITELOAD_RECORD=1`` rewrites it from a live run).
"""

from __future__ import annotations

import subprocess

import pytest

from mruby_runs import RECORD, RECORDED, riteload
from test_mruby40 import MRUBY40

SOURCE = """\
def t; p yield; rescue => e; puts "#{e.class}: #{e.message}"; end
t { [0 | 2.5, 0 | 1e300, 0 | -0.0, 0 | Float::NAN, 0 | 5e-324, 0 | true, 0 | false] }
t { [0 | "abcd", 0 | "abcdefghijklmno", 0 | "a" * 40, 0 | [1, 2], 0 | [1] * 20, 0 | []] }
t { [0 | (1..2), 0 | (1.5..2), 0 | Rational(-5, 3), 0 | Complex(2.5, 1), 0 | {}] }
t { [(2**64) & 1.5, 1 & (2**64), 6.allbits?(2.5), 6.anybits?(2.5), 6.nobits?(9)] }
t { (2**64) | "a" }
t { 10.to_s(2.9) }
t { [1.2 == 6.quo(5), 1.0 / 3 <=> Rational(1, 3), 0.1 + Rational(1, 10)] }
t { [Rational(2**70, 3), Rational(1, 2**70), Rational(-(2**63), 1), (2**70).to_r] }
t { [1e300.to_r.denominator, 5e-324.to_r.numerator, -1.5.to_r] }
t { Rational(2**70, 0) }
t { Rational(1, 2) / 0 }
t { [5.remainder(2.5), (2**70).remainder(3), 7.remainder(-3)] }
t { 1 / nil }
t { a = []; 2.step(4.0) { |x| a << x }; a }
t { a = []; 2.step(4, 0.5) { |x| a << x }; a }
t { 1.step(1, 2, 3) }
"""

NAME = "m40_numbers"


def _expected(tmp_path):
    """(mrb path, (stdout, stderr, status)) of SOURCE under mruby 4.0.0."""
    mrb = tmp_path / f"{NAME}.mrb"
    if MRUBY40.exists():
        (tmp_path / f"{NAME}.rb").write_text(SOURCE)
        subprocess.run([str(MRUBY40.parent / "mrbc"), "-o", mrb.name, f"{NAME}.rb"],
                       cwd=tmp_path, check=True, capture_output=True)
        p = subprocess.run([str(MRUBY40), "-b", mrb.name], cwd=tmp_path, capture_output=True)
        got = {"rb": SOURCE.encode(), "mrb": mrb.read_bytes(), "stdout": p.stdout,
               "stderr": p.stderr, "status": f"{p.returncode}\n".encode()}
        for ext, data in got.items():
            path = RECORDED / f"{NAME}.{ext}"
            if RECORD:
                path.write_bytes(data)
            elif ext != "mrb" and (not path.exists() or path.read_bytes() != data):
                pytest.fail(f"{path} is stale: RITELOAD_RECORD=1 python -m pytest {__file__}")
        return mrb, (p.stdout, p.stderr, p.returncode)
    if (RECORDED / f"{NAME}.rb").read_text() != SOURCE:
        pytest.fail(f"tests/recorded/{NAME}.rb is stale: record it with mruby 4.0.0 at hand")
    mrb.write_bytes((RECORDED / f"{NAME}.mrb").read_bytes())
    return mrb, tuple((RECORDED / f"{NAME}.{ext}").read_bytes() for ext in ("stdout", "stderr")) \
        + (int((RECORDED / f"{NAME}.status").read_text()),)


@pytest.mark.parametrize("engine", ["interp", "native"])
def test_numbers_as_mruby40(tmp_path, engine):
    mrb, expected = _expected(tmp_path)
    p = riteload("run", "--engine", engine, mrb.name, cwd=tmp_path)
    assert (p.stdout, p.stderr, p.returncode) == expected
