"""Kernel#Integer, #Float, #String, #Array, #Hash (mruby-kernel-ext of mruby
3.1).

The string-to-number readers they share with String#to_i/#to_f live where
mruby has them, in string.c: ``string.str_len_to_integer``
(``mrb_str_len_to_integer``: prefixes 0x/0b/0o/0d/0, underscores, the
"invalid string for number(...)" and "string (...) too big for integer"
errors) and ``string.str_len_to_dbl`` (``mrb_str_len_to_dbl``, reading
with mruby's own ``mrb_float_read``, which is not correctly rounded).
"""

from __future__ import annotations

from runtime.core.numeric import NIL, as_float, flo, float_to_integer
from runtime.core.string import str_len_to_dbl, str_len_to_integer
from runtime.defs import module_function


# ------------------------------------------------------------ Kernel methods
@module_function("Kernel", "Integer", arity=(1, 2))
def k_Integer(vm, self, args, blk):
    val = args[0]
    base = 0
    if len(args) > 1:
        from runtime.core.numeric import as_int
        base = as_int(vm, args[1])
    if val == NIL:
        if base != 0:
            vm.raise_error("ArgumentError", "base specified for non string value")
        vm.raise_error("TypeError", "can't convert nil into Integer")
    if vm.is_float(val):
        if base != 0:
            vm.raise_error("ArgumentError", "base specified for non string value")
        return vm.int_new(float_to_integer(vm, vm.float_value(val)))
    if vm.is_int(val):
        if base != 0:
            vm.raise_error("ArgumentError", "base specified for non string value")
        return val
    if vm.is_str(val):
        return str_len_to_integer(vm, vm.str_bytes(val), base, True)
    if base != 0:
        tmp = vm.obj_as_string(val)
        if vm.is_str(tmp):
            return str_len_to_integer(vm, vm.str_bytes(tmp), base, True)
        vm.raise_error("ArgumentError", "base specified for non string value")
    from runtime.core.numeric import as_int
    return vm.int_new(as_int(vm, val))


@module_function("Kernel", "Float", arity=1)
def k_Float(vm, self, args, blk):
    return to_float(vm, args[0])


def to_float(vm, arg: int, read=None) -> int:
    """Kernel#Float of arg; a String read with ``read`` (str_len_to_dbl)."""
    if vm.is_str(arg):
        return flo(vm, str_len_to_dbl(vm, vm.str_bytes(arg), True, read))
    if vm.is_float(arg):
        return arg
    return flo(vm, as_float(vm, arg))


def _convert_type(vm, val, tname, mname, raise_):
    if not vm.respond_to(val, mname):
        if raise_:
            vm.raise_error("TypeError", f"can't convert {vm.type_name_for_error(val)} into {tname}")
        return NIL
    return vm.funcall(val, mname)


@module_function("Kernel", "String", arity=1)
def k_String(vm, self, args, blk):
    arg = args[0]
    if vm.is_str(arg):
        return arg
    v = _convert_type(vm, arg, "String", "to_s", True)
    if not vm.is_str(v):
        return vm.str_new(vm.any_to_s_str(arg))
    return v


@module_function("Kernel", "Array", arity=1)
def k_Array(vm, self, args, blk):
    arg = args[0]
    if vm.is_ary(arg):
        return arg
    v = _convert_type(vm, arg, "Array", "to_a", False)
    if v == NIL or not vm.is_ary(v):
        return vm.ary_new([arg])
    return v


@module_function("Kernel", "Hash", arity=1)
def k_Hash(vm, self, args, blk):
    arg = args[0]
    if arg == NIL or (vm.is_ary(arg) and not vm.obj(arg).items):
        return vm.hash_new()
    if not vm.is_hash(arg):
        vm.raise_error("TypeError", f"{vm.type_name_for_error(arg)} cannot be converted to Hash")
    return arg
