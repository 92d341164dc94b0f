"""Making and raising Ruby exceptions (mruby's src/error.c).

``raise_error`` is ``mrb_raise``: a new exception of a class with a
message, its backtrace kept, thrown as ``errors.RubyError`` (the Python
exception that carries it, as ``MRB_THROW`` does).  Also ``mrb_name_error``,
``mrb_no_method_error``, ``mrb_frozen_error``, ``mrb_argnum_error`` and
``Exception#set_backtrace``'s check.  ``runtime/errors.py`` defines the
Python exceptions themselves (``RubyError`` and the non-local jumps); this
part makes the Ruby objects they carry.

It exists so that ``runtime/vm.py`` stays a façade: ``VM`` inherits this
``Raising`` part and every ``vm.raise_error(...)`` keeps working.
"""

from __future__ import annotations

from . import abi
from .abi import OBJECT_MASK, OBJECT_SHIFT, OBJECT_TAG
from .errors import RubyError
from .objects import RClass, RException

NIL = abi.NIL


class Raising:
    """``VM``'s error part (error.c): new exceptions and raising them."""

    def exc_new(self, cls, msg) -> int:
        if isinstance(cls, str):
            cls = self.cls(cls)
        e = RException(cls)
        w = self.alloc(e)
        e.ivars = {self.SYM_mesg: self.str_new(msg) if msg is not None else NIL}
        return w

    def alloc_exception(self, cls: RClass, mesg: int) -> int:
        e = RException(cls)
        w = self.alloc(e)
        e.ivars = {self.SYM_mesg: mesg}
        return w

    def raise_error(self, cls, msg):
        """Raise a new exception of class ``cls`` (RClass or name)."""
        self.raise_exc(self.exc_new(cls, msg))

    def raise_exc(self, w: int):
        self.keep_backtrace(w)
        raise RubyError(w)

    def raise_name_error(self, msg: str, sid: int):
        w = self.exc_new(self.c_NameError, msg)
        self.objects[w >> OBJECT_SHIFT].ivars[self.intern("@name")] = abi.symbol_word(sid)
        self.raise_exc(w)

    def raise_no_method_error(self, sid: int, args: int, msg: str):
        w = self.exc_new(self.c_NoMethodError, msg)
        iv = self.objects[w >> OBJECT_SHIFT].ivars
        iv[self.intern("@name")] = abi.symbol_word(sid)
        iv[self.intern("@args")] = args
        self.raise_exc(w)

    def argc_error(self, given: int, amin: int, amax: int):
        if amin == amax:
            exp = f"{amin}"
        elif amax < 0:
            exp = f"{amin}+"
        else:
            exp = f"{amin}..{amax}"
        self.raise_error(self.c_ArgumentError,
                         f"wrong number of arguments (given {given}, expected {exp})")

    def sys_fail(self, msg, eno):
        """mrb_sys_fail: without the mruby-errno gem (Debian's mruby 3.1) a
        RuntimeError whose message is ``msg`` alone; ``eno`` is errno."""
        self.raise_error(self.c_RuntimeError, msg if msg is not None else "")

    def frozen_error(self, w: int):
        # mrb_frozen_error's %t: the class of w, a singleton class included
        self.raise_error(self.c_FrozenError,
                         f"can't modify frozen {self.class_name(self.class_of(w))}")

    def check_frozen(self, w: int) -> None:
        if w & OBJECT_MASK != OBJECT_TAG:
            self.frozen_error(w)
        if self.objects[w >> OBJECT_SHIFT].frozen:
            self.frozen_error(w)

    def is_frozen(self, w: int) -> bool:
        if w & OBJECT_MASK != OBJECT_TAG:
            return True
        return self.objects[w >> OBJECT_SHIFT].frozen

    def set_backtrace(self, e: int, bt: int) -> None:
        ok = self.is_ary(bt) and all(self.is_str(x) for x in self.objects[bt >> OBJECT_SHIFT].items)
        if not ok:
            self.raise_error(self.c_TypeError, "backtrace must be Array of String")
        o = self.objects[e >> OBJECT_SHIFT]
        if o.ivars is None:
            o.ivars = {}
        o.ivars[self.SYM_backtrace] = bt
