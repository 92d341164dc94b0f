"""mruby 4.0: Time (4.0.0's rewrite of mrbgems/mruby-time/src/time.c).

- the payload counts nanoseconds (``struct mrb_time``'s ``nsec``), always
  0 <= nsec < 10**9: time_alloc_time carries whole seconds out of it both
  ways, so ``Time.at(-1.5)`` is -2 s + 500000 us, where 3.1 kept a
  negative ``usec``; ``Time#nsec``/``tv_nsec`` read it;
- seconds from a Float are ``floor`` and the microseconds ``trunc`` of the
  rest (mrb_time_t_from_float), a second argument is rounded; an argument
  that is no number is ``TypeError: cannot convert nil to time``;
- a time the C library cannot break down is ``RangeError: N out of Time
  range`` with the seconds as an Integer (3.1: ArgumentError, a Float);
  an overflowing ``+``/``-`` is ``Time out of range in addition``;
- time_mktime: a year past ``INT_MAX - 1900`` is out of range, a
  ``timegm``/``mktime`` result of -1 is 1969-12-31 23:59:59 when the next
  second is the epoch, otherwise ``invalid time``; the usec argument goes
  through the same normalisation (``Time.gm(2000, 1, 1, 0, 0, 0, -7)`` is
  1999-12-31 23:59:59.999993);
- ``hash``, ``eql?``, ``utc_offset`` (``gmt_offset``, ``gmtoff``) and the
  weekday predicates are C methods; an uninitialized Time raises
  ``uninitialized Time``.
"""

from __future__ import annotations

import math
import struct
import time as _time

from runtime import abi
from runtime.cdecls import ffi, libc
from runtime.core import time as core_time
from runtime.core.numeric import check_num_exact
from runtime.core.time import _check_get, _tm, _Uninit, _update, _wrap, _wrap64
from runtime.defs import method, smethod

from .integer import ensure_int_type
from .kernel import byte_hash

NIL = abi.NIL
I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1
INT_MIN = -(1 << 31)
INT_MAX = (1 << 31) - 1
NSECS = 1000000000
USECS = 1000000
#: enum mrb_timezone (mruby/time.h)
MRB_TIMEZONE_UTC, MRB_TIMEZONE_LOCAL = 1, 2


def _out_of_range(vm, w):
    """time_out_of_range."""
    vm.raise_error(vm.c_RangeError, f"{vm.inspect(w).decode()} out of Time range")


class TimeData40(core_time.TimeData):
    """struct mrb_time of 4.0: the fraction in nanoseconds."""
    __slots__ = ()
    UNIT = NSECS

    @staticmethod
    def out_of_range(vm, sec: int):
        """time_update_datetime: time_value_from_time_t, an Integer."""
        _out_of_range(vm, vm.int_new(sec))


UNINIT = _Uninit("uninitialized Time")


def _ctrunc_div(a: int, b: int) -> int:
    """C's integer division (towards zero)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _alloc_time(vm, sec: int, nsec: int, utc: bool) -> TimeData40:
    """time_alloc_time: a negative nsec borrows seconds (NDIV), one of
    10**9 or more carries them."""
    if nsec < 0 or nsec >= NSECS:
        sec = _wrap64(sec + nsec // NSECS)
        nsec %= NSECS
    return _update(vm, TimeData40(sec, nsec, utc))


def _at_usec(vm, sec: int, usec: int, utc: bool) -> TimeData40:
    """time_alloc / mrb_time_at: whole seconds out of usec (C division),
    then nanoseconds."""
    if usec >= USECS or usec <= -USECS:
        adj = _ctrunc_div(usec, USECS)
        usec -= adj * USECS
        sec = _wrap64(sec + adj)
    return _alloc_time(vm, sec, usec * 1000, utc)


def _to_time_t(vm, w: int, want_usec: bool):
    """mrb_to_time_t: (seconds, microseconds) of a Float or an Integer."""
    if vm.is_float(w):
        f = vm.float_value(w)
        check_num_exact(vm, f)
        if f >= float(I64_MAX) - 1.0 or f < float(I64_MIN) + 1.0:
            _out_of_range(vm, w)
        if want_usec:
            tt = math.floor(f)
            return int(tt), int(math.trunc((f - tt) * 1.0e6))
        return core_time._llround(f), 0
    if vm.is_int(w):
        n = vm.int_value(w)
        if not I64_MIN <= n <= I64_MAX:
            vm.raise_error(vm.c_RangeError, "integer out of range")    # mrb_bint_as_int
        return n, 0
    vm.raise_error(vm.c_TypeError, f"cannot convert {vm.type_name_for_error(w)} to time")


def _mk(tm, utc: bool) -> int:
    if utc:
        return core_time._timegm(tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                 tm.tm_sec)
    return libc.mktime(tm)


def _mktime(vm, args: list, utc: bool) -> TimeData40:
    """time_mktime of year, month, day, hour, min, sec, usec (the missing
    ones default to 1, 1, 0, 0, 0, 0)."""
    year, mon, day, hour, mn, sec, usec = args + [0, 1, 1, 0, 0, 0, 0][len(args):]
    if year < I64_MIN + 1900:
        vm.raise_error(vm.c_ArgumentError, "argument out of range")
    y = year - 1900
    if (y < INT_MIN or y > INT_MAX - 1900 or mon < 1 or mon > 12 or day < 1 or day > 31
            or hour < 0 or hour > 24 or (hour == 24 and (mn > 0 or sec > 0))
            or mn < 0 or mn > 59 or sec < 0 or sec > 60):
        vm.raise_error(vm.c_ArgumentError, "argument out of range")
    tm = ffi.new("struct tm *")
    tm.tm_year, tm.tm_mon, tm.tm_mday = y, mon - 1, day
    tm.tm_hour, tm.tm_min, tm.tm_sec = hour, mn, sec
    tm.tm_isdst = -1
    secs = _mk(tm, utc)
    if secs == -1:
        # -1 is also 1969-12-31 23:59:59: valid when the next second is the epoch
        test = ffi.new("struct tm *", tm[0])
        test.tm_sec += 1
        if _mk(test, utc) != 0:
            vm.raise_error(vm.c_ArgumentError, "invalid time")
    return _alloc_time(vm, secs, _wrap64(usec * 1000), utc)


def _now() -> TimeData40:
    """current_mrb_time: timespec_get's nanoseconds, local."""
    ns = _time.time_ns()
    return TimeData40(ns // NSECS, ns % NSECS, False)


# -------------------------------------------------------------- class methods
@smethod("Time", "now", arity=0)
def time_now(vm, self, args, blk):
    return _wrap(vm, vm.obj(self), _update(vm, _now()))


@smethod("Time", "at", arity=(1, 2))
def time_at_m(vm, self, args, blk):
    sec, usec = _to_time_t(vm, args[0], True)
    if len(args) > 1:
        usec = _wrap64(usec + _to_time_t(vm, args[1], False)[0])
    return _wrap(vm, vm.obj(self), _at_usec(vm, sec, usec, False))


@smethod("Time", "gm", arity=(1, 7), aliases=("utc",))
def time_gm(vm, self, args, blk):
    return _wrap(vm, vm.obj(self), _mktime(vm, [ensure_int_type(vm, a) for a in args], True))


@smethod("Time", "local", arity=(1, 7), aliases=("mktime",))
def time_local(vm, self, args, blk):
    return _wrap(vm, vm.obj(self), _mktime(vm, [ensure_int_type(vm, a) for a in args], False))


# ----------------------------------------------------------- instance methods
@method("Time", "initialize", arity=(0, 7), visibility="private")
def time_init(vm, self, args, blk):
    vals = [ensure_int_type(vm, a) for a in args]      # mrb_get_args converts first
    return core_time.init_time(vm, self, vals, UNINIT, _now, _mktime)


@method("Time", "initialize_copy", arity=1, visibility="private")
def time_init_copy(vm, self, args, blk):
    return core_time.init_copy(vm, self, args[0], UNINIT)


def _overflow(vm, s: int, reason: str) -> None:
    """int_overflow: the seconds' sum past time_t."""
    if not I64_MIN <= s <= I64_MAX:
        vm.raise_error(vm.c_RangeError, f"Time out of range in {reason}")


@method("Time", "+", arity=1)
def time_plus(vm, self, args, blk):
    td = _tm(vm, self)
    sec, usec = _to_time_t(vm, args[0], True)
    s = td.sec + sec
    _overflow(vm, s, "addition")
    return _wrap(vm, vm.real_class(self), _alloc_time(vm, s, td.frac + usec * 1000, td.utc))


@method("Time", "-", arity=1)
def time_minus(vm, self, args, blk):
    td = _tm(vm, self)
    other = _check_get(vm, args[0])
    if other is not None:
        return vm.float_new(float(_wrap64(td.sec - other.sec))
                            + float(td.frac - other.frac) / 1.0e9)
    sec, usec = _to_time_t(vm, args[0], True)
    s = td.sec - sec
    _overflow(vm, s, "subtraction")
    return _wrap(vm, vm.real_class(self), _alloc_time(vm, s, td.frac - usec * 1000, td.utc))


@method("Time", "eql?", arity=1)
def time_eql(vm, self, args, blk):
    """time_eq, as ``==`` (runtime/core/time.py)."""
    return core_time.time_eq(vm, self, args, blk)


@method("Time", "hash", arity=0)
def time_hash(vm, self, args, blk):
    """FNV-1 of sec, nsec (time_t each) and the enum mrb_timezone."""
    td = _tm(vm, self)
    zone = MRB_TIMEZONE_UTC if td.utc else MRB_TIMEZONE_LOCAL
    return vm.int_new(byte_hash(struct.pack("<qqi", _wrap64(td.sec), td.frac, zone)))


@method("Time", "nsec", arity=0, aliases=("tv_nsec",))
def time_nsec(vm, self, args, blk):
    return vm.int_new(_tm(vm, self).frac)


@method("Time", "utc_offset", arity=0, aliases=("gmt_offset", "gmtoff"))
def time_utc_offset(vm, self, args, blk):
    """0 for UTC, else the seconds minus timegm of the local broken-down time."""
    td = _tm(vm, self)
    if td.utc:
        return abi.fixnum(0)
    d = td.dt
    return vm.int_new(_wrap64(td.sec - core_time._timegm(d.year, d.mon, d.mday, d.hour,
                                                          d.min, d.sec)))


def _weekday(name, n):
    """time_wday_p: the broken-down time's tm_wday."""
    @method("Time", name, arity=0)
    def pred(vm, self, args, blk):
        return vm.bool(_tm(vm, self).dt.wday == n)
    pred.__name__ = f"time_{name[:-1]}"
    return pred


for _i, _n in enumerate(("sunday?", "monday?", "tuesday?", "wednesday?", "thursday?",
                         "friday?", "saturday?")):
    _weekday(_n, _i)
