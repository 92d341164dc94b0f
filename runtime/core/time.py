"""Time: the mruby-time gem of mruby 3.1 (what Debian's mruby ships).

A Time is an RData whose payload is a ``TimeData``: seconds and
microseconds since the epoch (both C ``time_t``; the microseconds are
normalised only upwards, so ``Time.at(1) - 0.5`` keeps ``usec == -500000``
as mruby does), a UTC/local flag and the broken-down time.  mruby 4.0's
payload, a subclass, counts nanoseconds (runtime/dialects/mruby40/core/time.py).

Broken-down times come from the C library's ``gmtime_r``/``localtime_r``
and local times are built with its ``mktime`` (through cffi,
runtime/cdecls.py), so the process's time zone (``TZ``) and the range
limits (years that do not fit a C ``int``) are exactly mruby's.  UTC times
are built with mruby's own ``timegm`` replacement, whose leap-year test sees the year as an
``unsigned int`` (``Time.gm(-100)`` is year -101 in mruby); it is
reproduced here in closed form.  Formatting (``to_s``, ``asctime``,
``zone``) follows glibc's ``strftime`` and mruby's ``snprintf`` format,
with the year wrapped to a C ``int`` as they print it.
"""

from __future__ import annotations

import time as _time

from .. import abi
from ..abi import OBJECT_MASK, OBJECT_TAG
from ..cdecls import ffi, libc
from ..defs import method, smethod
from ..objects import RArray, RData, RRange, RString
from .numeric import as_int, rational_data

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1
INT_MIN = -(1 << 31)
INT_MAX = (1 << 31) - 1

MON_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WDAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _wrap64(n: int) -> int:
    return ((n + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


def _wrap32(n: int) -> int:
    return ((n + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


# ----------------------------------------------------------------- the C library
class DateTime:
    """The fields of a ``struct tm`` mruby reads."""
    __slots__ = ("sec", "min", "hour", "mday", "mon", "year", "wday", "yday", "isdst", "gmtoff")

    def __init__(self, tm):
        self.sec = tm.tm_sec
        self.min = tm.tm_min
        self.hour = tm.tm_hour
        self.mday = tm.tm_mday
        self.mon = tm.tm_mon
        self.year = tm.tm_year          # years since 1900, as in struct tm
        self.wday = tm.tm_wday
        self.yday = tm.tm_yday
        self.isdst = tm.tm_isdst
        self.gmtoff = tm.tm_gmtoff


def _breakdown(sec: int, utc: bool):
    """gmtime_r / localtime_r of sec, or None where the C library fails."""
    t = ffi.new("long *", _wrap64(sec))
    tm = ffi.new("struct tm *")
    if utc:
        r = libc.gmtime_r(t, tm)
    else:
        libc.tzset()    # pick up the current TZ (mruby reads it once; same result)
        r = libc.localtime_r(t, tm)
    return DateTime(tm) if r != ffi.NULL else None


def _isleap_u(y: int) -> bool:
    """mruby's is_leapyear(unsigned int y): the C int year seen unsigned."""
    u = y & 0xFFFFFFFF
    return u % 4 == 0 and (u % 100 != 0 or u % 400 == 0)


def _leaps_below(n: int) -> int:
    """How many of 0, 1, ..., n-1 (n >= 0) are leap years."""
    return (n + 3) // 4 - (n + 99) // 100 + (n + 399) // 400


def _leaps_between(lo: int, hi: int) -> int:
    """How many y in [lo, hi) have _isleap_u(y)."""
    m = 1 << 32
    total = 0
    while lo < hi:
        base = lo - lo % m
        end = min(hi, base + m)
        total += _leaps_below(end - base) - _leaps_below(lo - base)
        lo = end
    return total


_NDAYS = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31),
          (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))


def _timegm(year: int, mon: int, mday: int, hour: int, mn: int, sec: int) -> int:
    """mruby's my_timgm (year is tm_year, years since 1900; mon 0-based)."""
    if year >= 70:
        days = (year - 70) * 365 + _leaps_between(1970, year + 1900)
    else:
        days = -((70 - year) * 365 + _leaps_between(year + 1900, 1970))
    nday = _NDAYS[_isleap_u(year + 1900)]
    days += sum(nday[:mon]) + mday - 1
    return days * 86400 + hour * 3600 + mn * 60 + sec


# ------------------------------------------------------------------- the payload
class TimeData:
    """struct mrb_time: seconds, the fraction of a second in ``UNIT``ths
    (microseconds in 3.1; mruby 4.0's payload counts nanoseconds,
    runtime/dialects/mruby40/core/time.py), the zone and the broken-down
    time."""
    __slots__ = ("sec", "frac", "utc", "dt")
    UNIT = 1000000

    def __init__(self, sec: int, frac: int, utc: bool, dt=None):
        self.sec = sec
        self.frac = frac
        self.utc = utc
        self.dt = dt

    def copy(self) -> TimeData:
        return type(self)(self.sec, self.frac, self.utc, self.dt)

    @property
    def usec(self) -> int:
        return self.frac // (self.UNIT // 1000000)

    def to_f(self) -> float:
        return float(self.sec) + float(self.frac) / float(self.UNIT)

    @staticmethod
    def out_of_range(vm, sec: int):
        """time_update_datetime's error: 3.1 shows the seconds as a Float."""
        _out_of_range(vm, vm.float_new(float(sec)))


class _Uninit:
    """The payload of a Time whose initialize failed half-way (mruby's
    DATA_PTR NULL with the Time data type set); ``message`` is what
    time_get_ptr raises for it."""

    def __init__(self, message: str):
        self.message = message


UNINIT = _Uninit("uninitialized time")


def _out_of_range(vm, w):
    vm.raise_error(vm.c_ArgumentError, f"{vm.inspect(w).decode()} out of Time range")


def _update(vm, td: TimeData) -> TimeData:
    """time_update_datetime."""
    dt = _breakdown(td.sec, td.utc)
    if dt is None:
        td.out_of_range(vm, td.sec)
    td.dt = dt
    return td


def _wrap(vm, cls, td: TimeData) -> int:
    return vm.data_new(cls, td)


def _alloc_time(vm, sec: int, usec: int, utc: bool) -> TimeData:
    """time_alloc_time: carry whole seconds out of usec >= 1000000 (a
    negative usec is kept as it is: time_t is signed)."""
    if usec >= 1000000:
        sec2 = usec // 1000000
        usec -= sec2 * 1000000
        sec = _wrap64(sec + sec2)
    return _update(vm, TimeData(sec, usec, utc))


def _llround(x: float) -> int:
    """C llround: halves away from zero."""
    a = abs(x)
    r = int(a)
    if a - r >= 0.5:
        r += 1
    return -r if x < 0 else r


def _mruby_word(vm, w: int) -> int:
    """The mruby 3.1 word of an immediate value (what mrb_integer reads)."""
    if abi.is_fixnum(w):
        return _wrap64(2 * abi.fixnum_value(w) + 1)
    if w == NIL:
        return 0
    if w == FALSE:
        return 4
    if w == TRUE:
        return 12
    return 0


def _mrb_integer(vm, w: int) -> int:
    """mrb_integer() of a value that is no Integer, as mrb_to_time_t reads
    it on a 64-bit word-boxing build: an immediate's word shifted right by
    one, or the first word of a heap object's body (a String's length or
    embedded bytes, an Array's length or first element, a Range's first
    value, a Rational's numerator; 0 for the rest, whose field is an
    unset instance-variable table)."""
    if vm.is_int(w):
        return vm.int_value(w)
    if w & OBJECT_MASK != OBJECT_TAG:
        if vm.is_sym(w):
            return vm.object_id(w) >> 1
        return _mruby_word(vm, w) >> 1
    o = vm.obj(w)
    t = type(o)
    if t is RString:
        b = bytes(o.value)
        if len(b) > 23:             # RSTRING_EMBED_LEN_MAX: heap string, its len
            return len(b)
        return int.from_bytes((b[4:12] + bytes(8))[:8], "little", signed=True)
    if t is RArray:
        if len(o.items) > 3:        # MRB_ARY_EMBED_LEN_MAX
            return len(o.items)
        return _mruby_word(vm, o.items[0]) if o.items else 0
    if t is RRange:
        return _mruby_word(vm, o.first)
    r = rational_data(vm, w)
    if r is not None:
        return _wrap64(r.num)
    return 0


def _to_time_t(vm, w: int, want_usec: bool):
    """mrb_to_time_t: (seconds, microseconds) of a Float or Integer."""
    if vm.is_float(w):
        f = vm.float_value(w)
        if f != f:
            vm.raise_error(vm.c_FloatDomainError, "NaN")
        if f in (float("inf"), float("-inf")):
            vm.raise_error(vm.c_FloatDomainError, "-Infinity" if f < 0 else "Infinity")
        if f >= 9223372036854775808.0 or f < -9223372036854775808.0:
            _out_of_range(vm, w)
        if want_usec:
            t = int(f)
            return t, _llround((f - t) * 1.0e6)
        return _llround(f), 0
    return _mrb_integer(vm, w), 0


def _mktime(vm, v: list, utc: bool) -> TimeData:
    """time_mktime of year, month, day, hour, min, sec, usec (the missing
    ones default to 1, 1, 0, 0, 0, 0)."""
    v = v + [0, 1, 1, 0, 0, 0, 0][len(v):]
    year, mon, day, hour, mn, sec, usec = v
    y = _wrap64(year - 1900)
    if (y < INT_MIN or y > INT_MAX or mon < 1 or mon > 12 or day < 1 or day > 31
            or hour < 0 or hour > 24 or (hour == 24 and (mn > 0 or sec > 0))
            or mn < 0 or mn > 59 or sec < 0 or sec > 60):
        vm.raise_error(vm.c_ArgumentError, "argument out of range")
    if utc:
        secs = _timegm(y, mon - 1, day, hour, mn, sec)
    else:
        tm = ffi.new("struct tm *")
        tm.tm_year, tm.tm_mon, tm.tm_mday = y, mon - 1, day
        tm.tm_hour, tm.tm_min, tm.tm_sec = hour, mn, sec
        tm.tm_isdst = -1
        secs = libc.mktime(tm)
    if secs == -1:
        vm.raise_error(vm.c_ArgumentError, "Not a valid time")
    return _alloc_time(vm, secs, usec, utc)


def _now() -> TimeData:
    ns = _time.time_ns()
    return TimeData(ns // 1000000000, ns % 1000000000 // 1000, False)


def _is_time_data(d) -> bool:
    return isinstance(d, (TimeData, _Uninit))


def _get(vm, w: int):
    """DATA_GET_PTR: the TimeData, or None for a Time whose initialize
    failed; TypeError for one never initialized."""
    o = vm.obj(w)
    d = o.data if type(o) is RData else None
    if not _is_time_data(d):
        vm.raise_error(vm.c_TypeError, f"uninitialized {vm.class_name(vm.real_class(w))} "
                       "(expected Time)")
    return None if isinstance(d, _Uninit) else d


def _check_get(vm, w: int):
    """DATA_CHECK_GET_PTR: the TimeData of w, or None."""
    if w & OBJECT_MASK != OBJECT_TAG:
        return None
    o = vm.obj(w)
    if type(o) is not RData or not isinstance(o.data, TimeData):
        return None
    return o.data


def _tm(vm, w: int) -> TimeData:
    """time_get_ptr."""
    td = _get(vm, w)
    if td is None:
        vm.raise_error(vm.c_ArgumentError, vm.obj(w).data.message)
    return td


# -------------------------------------------------------------- class methods
@smethod("Time", "now", arity=0)
def time_s_now(vm, self, args, blk):
    return _wrap(vm, vm.obj(self), _update(vm, _now()))


@smethod("Time", "at", arity=(1, 2))
def time_s_at(vm, self, args, blk):
    sec, usec = _to_time_t(vm, args[0], True)
    if len(args) > 1:
        usec = _wrap64(usec + _to_time_t(vm, args[1], False)[0])
    return _wrap(vm, vm.obj(self), _alloc_time(vm, sec, usec, False))


@smethod("Time", "gm", arity=(1, 7), aliases=("utc",))
def time_s_gm(vm, self, args, blk):
    return _wrap(vm, vm.obj(self), _mktime(vm, [as_int(vm, a) for a in args], True))


@smethod("Time", "local", arity=(1, 7), aliases=("mktime",))
def time_s_local(vm, self, args, blk):
    return _wrap(vm, vm.obj(self), _mktime(vm, [as_int(vm, a) for a in args], False))


# ----------------------------------------------------------- instance methods
def init_time(vm, self, vals: list, uninit: _Uninit, now, mktime) -> int:
    """time_init: the payload is ``uninit`` until the new one is made."""
    o = vm.obj(self)
    o.data = uninit
    o.data = _update(vm, now()) if not vals else mktime(vm, vals, False)
    return self


def init_copy(vm, self, src: int, uninit: _Uninit) -> int:
    """time_init_copy: a copy of src's payload, of the receiver's class."""
    if src == self:
        return self
    if vm.real_class(src) is not vm.real_class(self):
        vm.raise_error(vm.c_TypeError, "wrong argument class")
    s = vm.obj(src).data if type(vm.obj(src)) is RData else None
    if not isinstance(s, TimeData):
        vm.raise_error(vm.c_ArgumentError, uninit.message)
    vm.obj(self).data = s.copy()
    return self


@method("Time", "initialize", arity=(0, 7), visibility="private")
def time_initialize(vm, self, args, blk):
    vals = [as_int(vm, a) for a in args]      # mrb_get_args converts first
    return init_time(vm, self, vals, UNINIT, _now, _mktime)


@method("Time", "initialize_copy", arity=1, visibility="private")
def time_initialize_copy(vm, self, args, blk):
    return init_copy(vm, self, args[0], UNINIT)


@method("Time", "==", arity=1)
def time_eq(vm, self, args, blk):
    a = _get(vm, self)
    b = _check_get(vm, args[0])
    return vm.bool(a is not None and b is not None and a.sec == b.sec and a.frac == b.frac)


@method("Time", "<=>", arity=1)
def time_cmp(vm, self, args, blk):
    a = _get(vm, self)
    b = _check_get(vm, args[0])
    if a is None or b is None:
        return NIL
    x, y = (a.sec, a.frac), (b.sec, b.frac)
    return abi.fixnum((x > y) - (x < y))


@method("Time", "+", arity=1)
def time_plus(vm, self, args, blk):
    td = _tm(vm, self)
    sec, usec = _to_time_t(vm, args[0], True)
    s = td.sec + sec
    if not I64_MIN <= s <= I64_MAX:
        vm.raise_error(vm.c_RangeError, "time_t overflow in Time addition")
    return _wrap(vm, vm.real_class(self), _alloc_time(vm, s, td.usec + usec, td.utc))


@method("Time", "-", arity=1)
def time_minus(vm, self, args, blk):
    td = _tm(vm, self)
    other = _check_get(vm, args[0])
    if other is not None:
        f = float(_wrap64(td.sec - other.sec)) + float(td.usec - other.usec) / 1.0e6
        return vm.float_new(f)
    sec, usec = _to_time_t(vm, args[0], True)
    s = td.sec - sec
    if not I64_MIN <= s <= I64_MAX:
        vm.raise_error(vm.c_RangeError, "time_t overflow in Time subtraction")
    return _wrap(vm, vm.real_class(self), _alloc_time(vm, s, td.usec - usec, td.utc))


def _zone_offset(dt: DateTime) -> str:
    """strftime's %z."""
    diff = dt.gmtoff
    sign = "-" if diff < 0 else "+"
    diff = abs(diff) // 60
    return f"{sign}{(diff // 60) * 100 + diff % 60:04d}"


@method("Time", "to_s", arity=0, aliases=("inspect",))
def time_to_s(vm, self, args, blk):
    td = _tm(vm, self)
    d = td.dt
    s = (f"{_wrap32(d.year + 1900)}-{d.mon + 1:02d}-{d.mday:02d} "
         f"{d.hour:02d}:{d.min:02d}:{d.sec:02d} ")
    s += "UTC" if td.utc else _zone_offset(d)
    return vm.str_new(s)


@method("Time", "asctime", arity=0, aliases=("ctime",))
def time_asctime(vm, self, args, blk):
    d = _tm(vm, self).dt
    y = _wrap32(d.year + 1900)
    ys = ("-" if y < 0 else "") + str(abs(y)).zfill(4)
    return vm.str_new(f"{WDAY_NAMES[d.wday]} {MON_NAMES[d.mon]} {d.mday:2d} "
                      f"{d.hour:02d}:{d.min:02d}:{d.sec:02d} {ys}")


@method("Time", "zone", arity=0)
def time_zone(vm, self, args, blk):
    td = _tm(vm, self)
    return vm.str_new("UTC" if td.utc else _zone_offset(td.dt))


def _reader(name, fn, aliases=()):
    """A reader of the TimeData (time_get_ptr first): fn(vm, td) -> word."""
    @method("Time", name, arity=0, aliases=aliases)
    def reader(vm, self, args, blk):
        return fn(vm, _tm(vm, self))
    reader.__name__ = f"time_{name.rstrip('?')}"
    return reader


def _int(fn):
    return lambda vm, td: vm.int_new(fn(td))


_reader("year", _int(lambda td: _wrap32(td.dt.year + 1900)))
_reader("mon", _int(lambda td: td.dt.mon + 1), aliases=("month",))
_reader("mday", _int(lambda td: td.dt.mday), aliases=("day",))
_reader("hour", _int(lambda td: td.dt.hour))
_reader("min", _int(lambda td: td.dt.min))
_reader("sec", _int(lambda td: td.dt.sec))
_reader("wday", _int(lambda td: td.dt.wday))
_reader("yday", _int(lambda td: td.dt.yday + 1))
_reader("usec", _int(lambda td: td.usec))
_reader("to_i", _int(lambda td: td.sec))
_reader("to_f", lambda vm, td: vm.float_new(td.to_f()))
_reader("dst?", lambda vm, td: vm.bool(td.dt.isdst != 0))
_reader("utc?", lambda vm, td: vm.bool(td.utc), aliases=("gmt?",))


def _zone_switch(name, utc: bool, copy: bool, aliases=()):
    """utc/gmtime and localtime switch the receiver's zone; getutc/getgm
    and getlocal switch a copy (of the receiver's class)."""
    @method("Time", name, arity=0, aliases=aliases)
    def switch(vm, self, args, blk):
        td = _tm(vm, self)
        if copy:
            td = td.copy()
        td.utc = utc
        _update(vm, td)
        return _wrap(vm, vm.real_class(self), td) if copy else self
    switch.__name__ = f"time_{name}"
    return switch


_zone_switch("utc", True, False, aliases=("gmtime",))
_zone_switch("localtime", False, False)
_zone_switch("getutc", True, True, aliases=("getgm",))
_zone_switch("getlocal", False, True)


def _weekday(name, n):
    # mrblib: def sunday?; wday == 0 end
    @method("Time", name, arity=0)
    def pred(vm, self, args, blk):
        return vm.bool(vm.equal(vm.funcall(self, "wday"), abi.fixnum(n)))
    pred.__name__ = f"time_{name[:-1]}_p"
    return pred


for _i, _n in enumerate(("sunday?", "monday?", "tuesday?", "wednesday?", "thursday?",
                         "friday?", "saturday?")):
    _weekday(_n, _i)


def setup(vm):
    c = vm.define_class("Time")
    c.instance_type = RData


def init(vm):
    vm.include_module(vm.cls("Time"), vm.cls("Comparable"))
