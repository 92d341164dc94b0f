"""Backtraces (mruby's src/backtrace.c).

A raised exception keeps the locations of the live frames at the moment it
was raised (``keep_backtrace``: ``mrb_keep_backtrace``, packed as
(file, line, method id) tuples in an RData); ``Exception#backtrace``
unpacks them into Strings on first use (``exc_backtrace``:
``mrb_unpack_backtrace``).  ``backtrace_locations`` walks the frames as
``each_backtrace`` does: a builtin frame takes the line of the nearest Ruby
frame below it.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Backtraces`` part.
"""

from __future__ import annotations

from . import abi
from .abi import OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .objects import RData

NIL = abi.NIL


class Backtraces:
    """``VM``'s backtrace part (backtrace.c): keep, walk and unpack backtraces."""

    def keep_backtrace(self, w: int) -> None:
        if w & OBJECT_MASK != OBJECT_TAG:
            return
        o = self.objects[w >> OBJECT_SHIFT]
        if o.ivars is None:
            o.ivars = {}
        if self.SYM_backtrace in o.ivars or o.frozen:
            return
        o.ivars[self.SYM_backtrace] = self.alloc(RData(self.c_Object, self.backtrace_locations()))

    def backtrace_locations(self, skip: int = 0) -> list:
        """each_backtrace of backtrace.c: (filename, lineno, mid) innermost first."""
        out = []
        frames = self.frames
        below = _lines_below(frames)
        for i in range(len(frames) - 1 - skip, -1, -1):
            f = frames[i]
            irep = None
            idx = 0
            if f.irep is None:
                if not f.mid:
                    continue
                lineno = -1
            else:
                irep = f.irep
                if f.pc <= 0:
                    continue
                idx = f.pc - 1
                lineno = _line_of(irep, idx)
            if lineno == -1 and i > 0 and below[i - 1] is not None:
                irep, idx, lineno = below[i - 1]
            fname = _file_of(irep, idx) if irep is not None else None
            out.append((fname or "(unknown)", lineno, f.mid))
        return out

    def backtrace_strings(self, locs) -> list:
        out = []
        for fname, lineno, mid in locs:
            s = f"{fname}:{lineno}" if lineno != -1 else f"{fname}:0"
            if mid:
                s += f":in {self.syms[mid]}"
            out.append(s)
        return out

    def uncaught_head(self, lines: list) -> bytes:
        """What mrb_print_error prints before ``message (Class)`` of an
        uncaught exception, from its backtrace lines (``bytes``, or None for
        an entry that is no String), innermost first: mruby 3.1's
        print_backtrace heads a trace of more than one line.  None: the
        exception has no backtrace (an uncaught NoMemoryError), and 3.1
        prints nothing of it."""
        if lines is None:
            return None
        buf = bytearray()
        n = len(lines)
        if n:
            if n > 1:
                buf += b"trace (most recent call last):\n"
            for i in range(n - 1, 0, -1):
                if lines[i] is not None:
                    buf += b"\t[%d] " % i + lines[i] + b"\n"
            if lines[0] is not None:
                buf += lines[0] + b": "
        return bytes(buf)

    def exc_backtrace(self, w: int) -> int:
        """Exception#backtrace: unpack the kept locations into an Array of Strings."""
        o = self.objects[w >> OBJECT_SHIFT]
        bt = (o.ivars or {}).get(self.SYM_backtrace, NIL)
        if bt == NIL or self.is_ary(bt):
            return bt
        d = self.objects[bt >> OBJECT_SHIFT]
        if type(d) is RData and isinstance(d.data, list):
            arr = self.ary_new([self.str_new(s) for s in self.backtrace_strings(d.data)])
            o.ivars[self.SYM_backtrace] = arr
            return arr
        return NIL


def _lines_below(frames) -> list:
    """For each frame index j, what each_backtrace's inner loop finds scanning
    frames j, j-1, ..., 0 for a line (a frame without one borrows it): the
    first Ruby frame with a line > 0, else the lowest Ruby frame, as
    (irep, idx, lineno), else None.  One pass instead of that loop per frame
    (quadratic in mruby's 962 levels when the file has no debug info)."""
    out = []
    prev = None
    for g in frames:
        found = prev
        if g.irep is not None and g.pc > 0:
            line = _line_of(g.irep, g.pc - 1)
            if line > 0:
                found = (g.irep, g.pc - 1, line)
            elif prev is None:
                found = (g.irep, g.pc - 1, line)
        out.append(found)
        prev = found
    return out


def _line_of(irep, idx: int) -> int:
    d = irep.debug
    if d is None:
        return -1
    fname, line = d.location(idx)
    if line is None:
        return -1
    return line


def _file_of(irep, idx: int):
    d = irep.debug
    if d is None:
        return None
    fname, line = d.location(idx)
    return fname
