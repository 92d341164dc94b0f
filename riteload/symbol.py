"""What mruby's ``src/symbol.c`` decides about a symbol's name, written once.

``symname_p`` says whether a symbol prints as ``:name`` or quoted; the
listing (``mrb_sym_dump`` in ``riteload.disasm``) and the runtime's
``Symbol#inspect`` both import it from here.  Names are bytes, read as C
reads them: up to the first NUL (callers reject names holding a NUL first).
"""

from __future__ import annotations

__all__ = ["is_special_global_name", "symname_p"]


def _isupper(c: int) -> bool:
    return 0x41 <= c <= 0x5A


def _isalpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _isdigit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _is_identchar(c: int) -> bool:
    return _isalpha(c) or _isdigit(c) or c == 0x5F


def is_special_global_name(m: bytes, i: int) -> bool:
    """is_special_global_name(): does ``m[i:]`` name a special global (``$~``, ``$-w``, ``$1``)?"""
    n = len(m)

    def at(k):
        return m[k] if k < n else 0

    c = at(i)
    if c != 0 and c in b"~*$?!@/\\;,.=:<>\"&`'+0":
        i += 1
    elif c == 0x2D:         # -
        i += 1
        if _is_identchar(at(i)):
            i += 1
    else:
        if not _isdigit(c):
            return False
        while _isdigit(at(i)):
            i += 1
    return at(i) == 0


def symname_p(m: bytes) -> bool:
    """symname_p(): can the symbol named ``m`` be written ``:m`` without quotes?"""
    n = len(m)

    def at(k):
        return m[k] if k < n else 0

    i = 0
    localid = False
    c = at(0)
    if c == 0:
        return False
    ident = False
    if c == 0x24:          # $
        i += 1
        if is_special_global_name(m, i):
            return True
        ident = True
    elif c == 0x40:        # @
        i += 1
        if at(i) == 0x40:
            i += 1
        ident = True
    elif c == 0x3C:        # <  <, <<, <=, <=>
        i += 1
        if at(i) == 0x3C:
            i += 1
        elif at(i) == 0x3D:
            i += 1
            if at(i) == 0x3E:
                i += 1
    elif c == 0x3E:        # >  >, >>, >=
        i += 1
        if at(i) in (0x3E, 0x3D):
            i += 1
    elif c == 0x3D:        # =  =~, ==, ===
        i += 1
        if at(i) == 0x7E:
            i += 1
        elif at(i) == 0x3D:
            i += 1
            if at(i) == 0x3D:
                i += 1
        else:
            return False
    elif c == 0x2A:        # *  *, **
        i += 1
        if at(i) == 0x2A:
            i += 1
    elif c == 0x21:        # !  !, !=, !~
        i += 1
        if at(i) in (0x3D, 0x7E):
            i += 1
    elif c in (0x2B, 0x2D):   # + -  +, +@, -, -@
        i += 1
        if at(i) == 0x40:
            i += 1
    elif c == 0x7C:        # |  |, ||
        i += 1
        if at(i) == 0x7C:
            i += 1
    elif c == 0x26:        # &  &, &&
        i += 1
        if at(i) == 0x26:
            i += 1
    elif c in (0x5E, 0x2F, 0x25, 0x7E, 0x60):   # ^ / % ~ `
        i += 1
    elif c == 0x5B:        # [  [], []=
        i += 1
        if at(i) != 0x5D:
            return False
        i += 1
        if at(i) == 0x3D:
            i += 1
    else:
        localid = not _isupper(c)
        ident = True
    if ident:              # the id: label of symbol.c
        if at(i) != 0x5F and not _isalpha(at(i)):
            return False
        while _is_identchar(at(i)):
            i += 1
        if localid and at(i) in (0x21, 0x3F, 0x3D):    # ! ? =
            i += 1
    return at(i) == 0
