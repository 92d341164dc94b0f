"""IO, STDIN/STDOUT/STDERR and $stdin/$stdout/$stderr (the mruby-io gem),
enough for programs that write through them.

Kernel#puts and IO#puts both reach the same stream in mruby (mruby-print
flushes after every write, mruby-io writes unbuffered), so here both go to
``vm.out`` (fd 1) or ``vm.err`` (fd 2) in program order.
"""

from __future__ import annotations

from .. import abi
from ..defs import method
from .kernel import _puts

NIL = abi.NIL


def _fd(vm, self) -> int:
    d = vm.obj(self).data
    return d if isinstance(d, int) else 1


def _write(vm, self, b: bytes) -> None:
    fd = _fd(vm, self)
    if fd == 2:
        vm.flush()
        vm.err.write(b)
        vm.err.flush()
    elif fd == 1:
        vm.write_out(b)
    else:
        vm.raise_error(vm.c_IOError, "not opened for writing")


@method("IO", "write", arity=1, aliases=("syswrite",))
def io_write(vm, self, args, blk):
    s = args[0] if vm.is_str(args[0]) else vm.funcall(args[0], vm.SYM_to_s)
    b = vm.str_bytes(s)
    if b:
        _write(vm, self, b)
    return vm.int_new(len(b))


@method("IO", "<<", arity=1)
def io_lshift(vm, self, args, blk):
    io_write(vm, self, args, blk)
    return self


@method("IO", "puts", arity=-1)
def io_puts(vm, self, args, blk):
    out = bytearray()
    _puts(vm, args, out)
    _write(vm, self, bytes(out))
    return NIL


@method("IO", "print", arity=-1)
def io_print(vm, self, args, blk):
    for a in args:
        s = a if vm.is_str(a) else vm.funcall(a, vm.SYM_to_s)
        _write(vm, self, vm.str_bytes(s))
    return NIL


@method("IO", "printf", arity=-1)
def io_printf(vm, self, args, blk):
    s = vm.funcall(vm.top_self, "sprintf", args)
    _write(vm, self, vm.str_bytes(s))
    return NIL


@method("IO", "flush", arity=0)
def io_flush(vm, self, args, blk):
    if _fd(vm, self) == 1:
        vm.flush()
    return self


@method("IO", "sync", arity=0)
def io_sync(vm, self, args, blk):
    return abi.TRUE


@method("IO", "sync=", arity=1)
def io_set_sync(vm, self, args, blk):
    return args[0]


@method("IO", "fileno", arity=0, aliases=("to_i",))
def io_fileno(vm, self, args, blk):
    return abi.fixnum(_fd(vm, self))


@method("IO", "isatty", arity=0, aliases=("tty?",))
def io_isatty(vm, self, args, blk):
    return abi.FALSE


@method("IO", "closed?", arity=0)
def io_closed(vm, self, args, blk):
    return abi.FALSE


def setup(vm):
    from ..objects import RData
    io = vm.define_class("IO")
    io.instance_type = RData


def init(vm):
    io = vm.cls("IO")
    for name, fd, gv in (("STDIN", 0, "$stdin"), ("STDOUT", 1, "$stdout"),
                         ("STDERR", 2, "$stderr")):
        w = vm.data_new(io, fd)
        vm.define_const(vm.c_Object, name, w)
        vm.globals[vm.intern(gv)] = w


@method("Kernel", "`", arity=1)
def k_backtick(vm, self, args, blk):
    """mruby-io's Kernel#` (``IO.popen(cmd) { |io| io.read }``): the
    command's standard output; ``$?`` gets its exit status."""
    import subprocess
    cmd = args[0]
    if not vm.is_str(cmd):
        vm.raise_error(vm.c_TypeError,
                       f"{vm.type_name_for_error(cmd)} cannot be converted to String")
    vm.flush()
    r = subprocess.run(vm.str_bytes(cmd), shell=True, stdout=subprocess.PIPE)
    vm.gv_set(vm.intern("$?"), vm.int_new(r.returncode))
    return vm.str_new(r.stdout)
