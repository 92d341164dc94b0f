"""mruby 4.0: the argument counts the VM checks before a C method runs.

4.0.0 keeps each C method's aspec (``MRB_ARGS_REQ(1)``...) in its method
table entry and vm.c's ``check_argument_count`` compares the call's count
with it before the function runs, so a count outside the aspec raises
``wrong number of arguments (given n, expected aspec)`` before
``mrb_get_args`` converts anything (3.1 ignored the aspec).  A count the
aspec allows still goes to the function, whose ``mrb_get_args`` converts
the arguments it is given, in order, before it counts them.

``ASPEC`` holds the aspecs (min, max; max -1 for a rest) of 4.0.0's ROM
method tables (``MRB_MT_ENTRY`` in src/*.c and the default gembox's gems)
where they differ from the count a builtin here declares: ``init`` narrows
the builtin's count to the aspec, and ``arity_error`` (core/errors.py)
reports a count outside the aspec with the aspec and one inside it after
the conversions (``runtime.calls.Calls.arity_error``).
"""

from __future__ import annotations

ASPEC: dict[str, tuple[int, int]] = {
    "Array#+": (1, 1),
    "Array#__fill_parse_arg": (0, 4),
    "Array#<<": (1, 1),
    "Array#[]": (1, 2),
    "Array#[]=": (2, 3),
    "Array#at": (1, 1),
    "Array#concat": (1, 1),
    "Array#delete_at": (1, 1),
    "Array#first": (0, 1),
    "Array#flatten": (0, 1),
    "Array#flatten!": (0, 1),
    "Array#initialize": (0, 2),
    "Array#initialize_copy": (1, 1),
    # MRB_ARGS_ARG(1, -1): the optional count is masked to 5 bits
    "Array#insert": (1, 32),
    "Array#join": (0, 1),
    "Array#last": (0, 1),
    "Array#replace": (1, 1),
    "Array#rotate": (0, 1),
    "Array#rotate!": (0, 1),
    "Array#shift": (0, 1),
    "Array#slice": (1, 2),
    "Array#slice!": (1, 2),
    "Array#push": (0, -1),
    "Array#unshift": (0, -1),
    "Array#values_at": (0, -1),
    "Array#difference": (0, -1),
    "Array#union": (0, -1),
    "Array#intersection": (0, -1),
    "BasicObject#__send__": (1, -1),
    "BasicObject#initialize": (0, 0),
    "Hash#initialize_copy": (1, 1),
    "Hash#replace": (1, 1),
    "Hash#__merge": (0, -1),
    "Kernel#define_singleton_method": (1, 1),
    "Kernel#public_send": (1, -1),
    "Kernel#send": (1, -1),
    "Module#alias_method": (0, -1),
    "Module#instance_methods": (0, -1),
    "Module#method_defined?": (1, 1),
    "Range#initialize": (0, -1),
    "String#[]": (0, -1),
    "String#[]=": (0, -1),
    "String#bytesplice": (0, -1),
    "String#chomp": (0, -1),
    "String#chomp!": (0, -1),
    "String#rindex": (0, -1),
    "String#slice": (0, -1),
    "String#split": (0, -1),
    "String#to_i": (0, -1),
    "UnboundMethod#bind_call": (1, -1),
}


def _narrow(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """The counts both ranges allow."""
    lo = max(a[0], b[0])
    hi = a[1] if b[1] < 0 else b[1] if a[1] < 0 else min(a[1], b[1])
    return lo, hi


def aspec_of(vm, m):
    """The 4.0 aspec of builtin ``m`` when ASPEC lists it, else None."""
    if m.owner is None:
        return None
    return ASPEC.get(f"{vm.class_name(m.owner)}#{vm.syms[m.name]}")


def allows(spec: tuple[int, int], n: int) -> bool:
    return spec[0] <= n and (spec[1] < 0 or n <= spec[1])


def init(vm):
    for key, spec in ASPEC.items():
        owner, name = key.split("#")
        cls = vm.obj(vm.const_get_from(vm.c_Object, vm.intern(owner)))
        m = cls.mt.get(vm.intern(name))
        if m is None or m.fn is None:
            continue
        m.arity = _narrow((m.amin, m.amax), spec)
        m.amin, m.amax = m.arity
