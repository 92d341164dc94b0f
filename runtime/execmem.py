"""Executable memory from the kernel: one small class, writable or executable, never both.

``ExecMemory(size)`` maps anonymous private pages read-write; ``write`` copies
machine code in while (the touched pages are) read-write; ``protect_exec``
switches pages to read-execute before anything runs there; ``free`` unmaps.
A ``weakref.finalize`` unmaps memory whose owner forgot to free it.

Every libc call is checked (``MAP_FAILED`` for mmap, ``-1`` for mprotect and
munmap) and a failure raises ``ExecMemoryError`` carrying ``errno``.  The
cffi declarations of these calls are in ``runtime/cdecls.py``.

Pages are never mapped ``PROT_WRITE | PROT_EXEC`` at the same time: a page is
flipped back to read-write only while no instruction of it is running (the
single Python thread is in the code cache, not in generated code, when it
writes), and back to read-execute before control returns to native code.
"""

from __future__ import annotations

import errno as _errno
import os
import weakref

from .cdecls import ffi as _ffi
from .cdecls import libc as _libc

PROT_NONE = 0x0
PROT_READ = 0x1
PROT_WRITE = 0x2
PROT_EXEC = 0x4
MAP_PRIVATE = 0x02
MAP_ANONYMOUS = 0x20
MAP_FAILED = _ffi.cast("void *", -1)

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class ExecMemoryError(OSError):
    """A mmap, mprotect or munmap call failed; ``errno`` says why."""

    def __init__(self, call: str, err: int, detail: str = ""):
        name = _errno.errorcode.get(err, str(err))
        msg = f"{call} failed: {os.strerror(err)} (errno {name})"
        if detail:
            msg += f" [{detail}]"
        super().__init__(err, msg)
        self.call = call


def _round_up(n: int, to: int) -> int:
    return (n + to - 1) // to * to


def _unmap(addr: int, size: int) -> None:
    # finalizer body: must not reference the ExecMemory object
    _libc.munmap(_ffi.cast("void *", addr), size)


class ExecMemory:
    """A run of anonymous pages holding machine code.

    ``address`` is the first byte; ``size`` is a whole number of pages.  The
    memory starts read-write (``writable`` True).  ``protect_exec(start, end)``
    / ``protect_write(start, end)`` switch the pages covering a byte range.
    """

    __slots__ = ("address", "size", "_ptr", "_prot", "_finalizer", "__weakref__")

    def __init__(self, size: int):
        if size <= 0:
            raise ValueError("size must be positive")
        size = _round_up(size, PAGE_SIZE)
        ptr = _libc.mmap(_ffi.NULL, size, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if ptr == MAP_FAILED:
            raise ExecMemoryError("mmap", _ffi.errno, f"{size} bytes")
        self._ptr = _ffi.cast("unsigned char *", ptr)
        self.address = int(_ffi.cast("uintptr_t", ptr))
        self.size = size
        # protection of each page, so callers can ask and tests can check
        self._prot = [PROT_READ | PROT_WRITE] * (size // PAGE_SIZE)
        self._finalizer = weakref.finalize(self, _unmap, self.address, size)

    # -- state --------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self._finalizer.alive

    def _check_alive(self):
        if not self._finalizer.alive:
            raise ExecMemoryError("use", _errno.EBADF, "memory already freed")

    def _pages(self, start: int, end: int) -> range:
        if not 0 <= start <= end <= self.size:
            raise ValueError(f"range {start}..{end} outside 0..{self.size}")
        return range(start // PAGE_SIZE, _round_up(end, PAGE_SIZE) // PAGE_SIZE)

    def is_writable(self, start: int = 0, end: int | None = None) -> bool:
        end = self.size if end is None else end
        return all(self._prot[p] & PROT_WRITE for p in self._pages(start, end))

    def is_executable(self, start: int = 0, end: int | None = None) -> bool:
        end = self.size if end is None else end
        return all(self._prot[p] & PROT_EXEC for p in self._pages(start, end))

    # -- protection ---------------------------------------------------------
    def _protect(self, start: int, end: int, prot: int) -> None:
        self._check_alive()
        pages = self._pages(start, end)
        todo = [p for p in pages if self._prot[p] != prot]
        if not todo:
            return
        first, last = todo[0], todo[-1] + 1
        rc = _libc.mprotect(_ffi.cast("void *", self.address + first * PAGE_SIZE),
                            (last - first) * PAGE_SIZE, prot)
        if rc == -1:
            raise ExecMemoryError("mprotect", _ffi.errno,
                                  f"0x{self.address + first * PAGE_SIZE:x}, "
                                  f"{(last - first) * PAGE_SIZE} bytes, prot {prot}")
        for p in range(first, last):
            self._prot[p] = prot

    def protect_exec(self, start: int = 0, end: int | None = None) -> None:
        """Make the pages covering ``start..end`` read-execute (not writable)."""
        self._protect(start, self.size if end is None else end, PROT_READ | PROT_EXEC)

    def protect_write(self, start: int = 0, end: int | None = None) -> None:
        """Make the pages covering ``start..end`` read-write (not executable)."""
        self._protect(start, self.size if end is None else end, PROT_READ | PROT_WRITE)

    # -- contents -----------------------------------------------------------
    def write(self, offset: int, data: bytes) -> None:
        """Copy ``data`` in at ``offset``; its pages must be read-write."""
        self._check_alive()
        end = offset + len(data)
        if not self.is_writable(offset, end):
            raise ExecMemoryError("write", _errno.EACCES,
                                  f"bytes {offset}..{end} are not writable (W^X)")
        _ffi.memmove(self._ptr + offset, data, len(data))

    def read(self, offset: int, length: int) -> bytes:
        self._check_alive()
        self._pages(offset, offset + length)
        return bytes(_ffi.buffer(self._ptr + offset, length))

    def free(self) -> None:
        """Unmap the pages now (idempotent); the finalizer then does nothing."""
        if self._finalizer.detach() is None:
            return
        rc = _libc.munmap(_ffi.cast("void *", self.address), self.size)
        if rc == -1:
            raise ExecMemoryError("munmap", _ffi.errno, f"0x{self.address:x}, {self.size} bytes")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.free()

    def __repr__(self) -> str:
        state = "freed" if not self.alive else f"{self.size} bytes"
        return f"<ExecMemory 0x{self.address:x} {state}>"
