"""The C declarations of the runtime and the one cffi ``FFI`` built from them.

Every structure native code shares with Python (the call-info records, VM
roots, inline caches and ``rl_ctx`` of the contract in ``runtime/abi.py``)
and every libc call the runtime makes through cffi (``mmap``, ``mprotect``,
``munmap`` for ``runtime/execmem.py``; the C API functions whose addresses
the native engine's callback trampoline holds) is declared here, once, and all of
them come from the same ``ffi``, so a pointer made by one module can be
stored in another's structure.

Parsing C declarations needs pycparser, which costs ~90 ms at start-up.  So
``ffi`` is normally loaded from ``runtime/_cdecls_ffi.py``, cffi's
"out-of-line ABI mode" module that ``scripts/build_ffi.py`` generates from
``DECLARATIONS`` (its type tables are data: importing it parses nothing).
``tests/test_architecture.py`` checks that the generated module is up to
date; if it is missing, the declarations are parsed at import as before.
"""

from __future__ import annotations

from . import abi

# The libc calls of runtime/execmem.py.
LIBC_CDEF = """
void *mmap(void *addr, size_t length, int prot, int flags, int fd, long offset);
int mprotect(void *addr, size_t len, int prot);
int munmap(void *addr, size_t length);
"""

# CPython's C API functions the native engine's callback trampoline calls
# (translate.compiler.TRAMPOLINE_CALLS).  Only their addresses are taken:
# never call them through cffi, which releases the GIL around a call.
CPYTHON_CDEF = """
int PyGILState_Ensure(void);
void PyGILState_Release(int state);
void *PyLong_FromLongLong(long long v);
void *PyObject_CallOneArg(void *callable, void *arg);
long long PyLong_AsLongLong(void *obj);
void Py_DecRef(void *obj);
void PyErr_Fetch(void **ptype, void **pvalue, void **ptraceback);
"""

DECLARATIONS = abi.NATIVE_CDEF + LIBC_CDEF + CPYTHON_CDEF

GENERATED_MODULE = "runtime._cdecls_ffi"


def builder():
    """An FFI builder of ``DECLARATIONS`` for the out-of-line module."""
    import cffi
    b = cffi.FFI()
    b.cdef(DECLARATIONS)
    b.set_source(GENERATED_MODULE, None)
    return b


try:
    from ._cdecls_ffi import ffi
except ImportError:         # not generated: parse the declarations now
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(DECLARATIONS)

# Realize the named types structures first: cffi 2.1's out-of-line module
# aborts (an assertion in realize_c_type.c) when ``rl_op``, a function
# pointer type taking ``rl_ctx *``, is realized before ``rl_ctx`` is.
for _name in ("rl_callinfo", "rl_vmstate", "rl_site", "rl_ctx", "rl_entry", "rl_op"):
    ffi.typeof(_name)

libc = ffi.dlopen(None)
