"""Time (runtime/core/time.py), the mruby-time gem of mruby 3.1.

The helpers and the class are checked directly on a VM; batches of
one-liners also run through riteload, with ``TZ`` set explicitly in the
environment, and must print the bytes mruby prints with that ``TZ`` (live
when mruby 3.1 is on PATH, else as recorded, tests/mruby_runs.py).
"""

from __future__ import annotations

import calendar
import os

import pytest

from mruby_runs import mruby_run, riteload
from runtime import abi
from runtime.core import time as T
from runtime.vm import VM

# helpers of the collections tests (tests/ is on sys.path)
from test_core_collections import call, err, fx


@pytest.fixture(scope="module")
def vm():
    return VM()


def s(vm, w):
    return vm.str_bytes(w).decode()


# ------------------------------------------------------------------ helpers
# dates as strings: the conservative GC scans pytest's frames, where small
# ints held by parametrized items would look like object words to other tests
@pytest.mark.parametrize("ymd", ["1970-1-1", "2000-2-29", "2024-12-31", "1900-3-1",
                                 "1600-2-29", "1-1-1", "9999-12-31", "2038-1-19"])
def test_timegm_matches_calendar_for_positive_years(ymd):
    y, m, d = map(int, ymd.split("-"))
    assert T._timegm(y - 1900, m - 1, d, 3, 4, 5) == calendar.timegm((y, m, d, 3, 4, 5))


def test_timegm_sees_negative_years_unsigned():
    # mruby's is_leapyear(unsigned int): -100 is 4294967196, a leap year
    # (no multiple of 100), while -196 (4294967100) is a century that is no
    # multiple of 400; so Time.gm(-100) comes out as -101-12-31
    assert T._isleap_u(2000) and not T._isleap_u(1900) and T._isleap_u(-4)
    assert T._isleap_u(-100) and not T._isleap_u(-196) and T._isleap_u(-96)
    assert T._timegm(-2000, 0, 1, 0, 0, 0) == -65322979200
    brute = sum(1 for y in range(-500, 2500) if T._isleap_u(y))
    assert T._leaps_between(-500, 2500) == brute


def test_llround_is_half_away_from_zero():
    assert [T._llround(x) for x in (0.5, 1.5, 2.5, -0.5, -2.5, 0.49999999999999994, 2.4)] == \
        [1, 2, 3, -1, -3, 0, 2]


# --------------------------------------------------------------- the class
def test_gm_fields_and_formats(vm):
    t = call(vm, vm.cls("Time").word, "gm", fx(2024), fx(2), fx(29), fx(13), fx(5), fx(9),
             fx(250000))
    assert s(vm, call(vm, t, "to_s")) == "2024-02-29 13:05:09 UTC"
    assert s(vm, call(vm, t, "inspect")) == "2024-02-29 13:05:09 UTC"
    assert s(vm, call(vm, t, "asctime")) == "Thu Feb 29 13:05:09 2024"
    assert s(vm, call(vm, t, "zone")) == "UTC"
    got = [vm.int_value(call(vm, t, m)) for m in
           ("year", "mon", "mday", "hour", "min", "sec", "usec", "wday", "yday", "to_i")]
    assert got == [2024, 2, 29, 13, 5, 9, 250000, 4, 60, 1709211909]
    assert vm.float_value(call(vm, t, "to_f")) == 1709211909.25
    assert call(vm, t, "thursday?") == abi.TRUE and call(vm, t, "friday?") == abi.FALSE
    assert call(vm, t, "utc?") == abi.TRUE


def test_at_keeps_negative_usec_and_minus_is_float(vm):
    tc = vm.cls("Time").word
    a = call(vm, tc, "at", vm.float_new(-1.5))
    assert vm.int_value(call(vm, a, "to_i")) == -1
    assert vm.int_value(call(vm, a, "usec")) == -500000
    b = call(vm, call(vm, tc, "at", fx(1)), "-", vm.float_new(0.5))
    assert vm.int_value(call(vm, b, "usec")) == -500000
    d = call(vm, call(vm, tc, "at", fx(3)), "-", a)
    assert vm.is_float(d) and vm.float_value(d) == 4.5


def test_errors(vm):
    tc = vm.cls("Time").word
    assert err(vm, lambda: call(vm, tc, "gm", fx(2000), fx(13))) == \
        ("ArgumentError", "argument out of range")
    assert err(vm, lambda: call(vm, tc, "gm", fx(1969), fx(12), fx(31), fx(23), fx(59),
                                fx(59))) == ("ArgumentError", "Not a valid time")
    assert err(vm, lambda: call(vm, tc, "at", vm.float_new(1e19))) == \
        ("ArgumentError", "1.0e+19 out of Time range")
    assert err(vm, lambda: call(vm, tc, "at", vm.float_new(float("nan")))) == \
        ("FloatDomainError", "NaN")
    assert err(vm, lambda: call(vm, tc, "gm", vm.str_new("x"))) == \
        ("TypeError", "String cannot be converted to Integer")
    t = call(vm, tc, "gm", fx(2000))
    assert err(vm, lambda: call(vm, t, "+", vm.int_new(2**63 - 1))) == \
        ("RangeError", "time_t overflow in Time addition")


def test_dup_is_independent(vm):
    t = call(vm, vm.cls("Time").word, "gm", fx(2000))
    d = call(vm, t, "dup")
    call(vm, d, "localtime")
    assert call(vm, t, "utc?") == abi.TRUE and call(vm, d, "utc?") == abi.FALSE
    assert vm.obj(d).data is not vm.obj(t).data


def test_method_lists(vm):
    tc = vm.cls("Time").word
    names = sorted(vm.sym_name(abi.symbol_id(w)) for w in
                   vm.obj(call(vm, tc, "instance_methods", abi.FALSE)).items)
    assert names == sorted("""+ - <=> == asctime ctime day dst? friday? getgm getlocal getutc
        gmt? gmtime hour initialize initialize_copy inspect localtime mday min mon monday?
        month saturday? sec sunday? thursday? to_f to_i to_s tuesday? usec utc utc? wday
        wednesday? yday year zone""".split())
    single = sorted(vm.sym_name(abi.symbol_id(w)) for w in
                    vm.obj(call(vm, tc, "methods", abi.FALSE)).items)
    assert single == ["at", "gm", "local", "mktime", "now", "utc"]


# ------------------------------------------------------- live comparison
LIVE_UTC = r'''
p Time.methods(false).sort, Time.instance_methods(false).sort, Time.ancestors
[[2000], [2000, 2, 31], [1969, 12, 31], [-100], [-1, 12, 31, 23, 59, 60], [12345, 6, 7],
 [2**31 + 1899], [2000, 1, 1, 24], [2000, 1, 1, 0, 0, 0, 7_654_321]].each do |a|
  t = Time.gm(*a)
  p [t, t.asctime, t.to_i, t.usec, t.wday, t.yday, t.year]
end
[1.5, -1.5, 0.9999996, 1e-6, 1234567890.123456, 2**40, -2**40].each do |x|
  t = Time.at(x).utc
  p [t, t.to_i, t.usec, t.to_f]
end
p Time.at(1, 2.5).usec, Time.at(1, -2.5).usec, Time.at(1, 3_000_000).to_i
a = Time.at(100, 250_000)
p a - Time.at(99), (a + 0.5).usec, (a - 0.75).usec, (Time.at(1) - 0.5).usec
[-> { Time.gm(2000, 13) }, -> { Time.at(1e19) }, -> { Time.at(10**18) },
 -> { Time.gm(-2**31 + 1900) }, -> { Time.at(-1.0 / 0) }, -> { Time.gm(nil) },
 -> { Time.gm(2000) + (2**62 * 2 - 1) }, -> { Time.at },
 -> { Time.gm(2000).send(:initialize_copy, 3) }
].each { |f| begin; p f.call; rescue => e; p [e.class, e.message]; end }
p Time.at(nil).to_i, Time.at(true).to_i, Time.at(false).to_i, Time.at("a" * 30).to_i,
  Time.at([1]).to_i
'''

LIVE_LOCAL = r'''
[0, 1_600_000_000, 1_610_000_000, -1e10, 2**35].each do |x|
  t = Time.at(x)
  p [t, t.zone, t.dst?, t.hour, t.asctime, t.getutc, t.utc?]
end
[[2021, 3, 14, 2, 30], [2021, 11, 7, 1, 30], [2021, 2, 31], [1900], [2000, 7, 4, 12]].each do |a|
  t = Time.local(*a)
  p [t, t.to_i, t.dst?, t.zone, Time.mktime(*a) == t, Time.new(*a) == t]
end
g = Time.gm(2000, 7, 1)
p g.getlocal, g.localtime, g.utc?, g.zone, g.getgm, g.gmtime, g.zone
p Time.local(2000, 7) - Time.gm(2000, 7), Time.now.utc?, (Time.now - Time.now).class
'''


def _run_live(tmp_path, name, program, tz):
    env = dict(os.environ, TZ=tz)
    mrb, want = mruby_run(name, program, tmp_path, env=env)
    got = riteload("run", "--engine", "interp", mrb.name, cwd=tmp_path, env=env)
    assert (got.stdout, got.stderr, got.returncode) == want
    return want[0]


@pytest.mark.slow       # mruby itself needs ~10 s for it (Time.gm of years near 2**31)
def test_live_utc_against_mruby(tmp_path):
    _run_live(tmp_path, "core_time_utc", LIVE_UTC, "UTC")


# POSIX TZ strings need no tzdata: US Eastern with its DST rules, India
# (+0530), and a zone east of UTC with a half-hour DST shift.
@pytest.mark.parametrize("tz", ["EST5EDT,M3.2.0,M11.1.0", "IST-5:30",
                                "LHST-10:30LHDT-11,M10.1.0,M4.1.0"])
def test_live_local_against_mruby(tmp_path, tz):
    out = _run_live(tmp_path, f"core_time_local_{tz}", LIVE_LOCAL, tz)
    assert b"+0000" not in out.split(b"\n")[0]      # the zone was really applied
