"""Exception and its subclasses (src/error.c, mrblib/10error.rb)."""

from __future__ import annotations

from .. import abi
from ..defs import method, smethod

NIL = abi.NIL


def _mesg(vm, self):
    iv = vm.obj(self).ivars or {}
    return iv.get(vm.SYM_mesg, NIL)


@smethod("Exception", "exception", arity=-1)
def exc_s_exception(vm, self, args, blk):
    return vm.funcall(self, "new", args, blk)


@method("Exception", "initialize", arity=(0, 1), visibility="private")
def exc_initialize(vm, self, args, blk):
    if args:
        o = vm.obj(self)
        if o.ivars is None:
            o.ivars = {}
        o.ivars[vm.SYM_mesg] = args[0]
    return self


@method("Exception", "exception", arity=(0, 1))
def exc_exception(vm, self, args, blk):
    if not args or args[0] == self:
        return self
    from .kernel import k_clone
    e = k_clone(vm, self, [], NIL)
    vm.ivar_set(e, vm.SYM_mesg, args[0])    # the clone may have no ivars yet
    return e


@method("Exception", "to_s", arity=0)
def exc_to_s(vm, self, args, blk):
    m = _mesg(vm, self)
    if not vm.is_str(m):
        return vm.str_new(vm.class_name(vm.real_class(self)))
    return m


@method("Exception", "message", arity=0)
def exc_message(vm, self, args, blk):
    return vm.funcall(self, vm.SYM_to_s)


@method("Exception", "inspect", arity=0)
def exc_inspect(vm, self, args, blk):
    from ..main import exc_inspect as ins
    return vm.str_new(ins(vm, self))


@method("Exception", "backtrace", arity=0)
def exc_backtrace(vm, self, args, blk):
    return vm.exc_backtrace(self)


@method("Exception", "set_backtrace", arity=1)
def exc_set_backtrace(vm, self, args, blk):
    vm.set_backtrace(self, args[0])
    return args[0]


# NameError / NoMethodError / StopIteration come from mrblib in mruby: their
# accessors are plain instance variables.
def _ivar_reader(name):
    def reader(vm, self, args, blk):
        return vm.ivar_get(self, vm.intern(name))
    return reader


def _ivar_writer(name):
    def writer(vm, self, args, blk):
        vm.ivar_set(self, vm.intern(name), args[0])
        return args[0]
    return writer


@method("NameError", "initialize", arity=(0, 2), visibility="private")
def name_error_initialize(vm, self, args, blk):
    vm.ivar_set(self, vm.intern("@name"), args[1] if len(args) > 1 else NIL)
    return exc_initialize(vm, self, args[:1], blk)


@method("NoMethodError", "initialize", arity=(0, 3), visibility="private")
def no_method_error_initialize(vm, self, args, blk):
    vm.ivar_set(self, vm.intern("@args"), args[2] if len(args) > 2 else NIL)
    return name_error_initialize(vm, self, args[:2], blk)


def init(vm):
    vm.define_method(vm.c_NameError, "name", _ivar_reader("@name"), 0)
    vm.define_method(vm.c_NameError, "name=", _ivar_writer("@name"), 1)
    vm.define_method(vm.c_NoMethodError, "args", _ivar_reader("@args"), 0)
    vm.define_method(vm.c_StopIteration, "result", _ivar_reader("@result"), 0)
    vm.define_method(vm.c_StopIteration, "result=", _ivar_writer("@result"), 1)
