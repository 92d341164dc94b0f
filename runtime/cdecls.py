"""The C declarations of the runtime and the one cffi ``FFI`` built from them.

Every structure native code shares with Python (the call-info records, VM
roots, inline caches and ``rl_ctx`` of the contract in ``runtime/abi.py``)
and every libc call the runtime makes through cffi (``mmap``, ``mprotect``,
``munmap`` for ``runtime/execmem.py``; libm for ``runtime/core/numeric.py``,
called as mruby calls it; the C API functions whose addresses
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

# The libm functions of the core library's Float and Math (runtime/core/numeric.py).
LIBM_CDEF = """
double pow(double, double);
double fmod(double, double);
double atan2(double, double);
double hypot(double, double);
double round(double);
double trunc(double);
double floor(double);
double ceil(double);
double sin(double);
double cos(double);
double tan(double);
double asin(double);
double acos(double);
double atan(double);
double sinh(double);
double cosh(double);
double tanh(double);
double asinh(double);
double acosh(double);
double atanh(double);
double exp(double);
double log(double);
double log2(double);
double log10(double);
double sqrt(double);
double cbrt(double);
double erf(double);
double erfc(double);
double frexp(double, int *);
double ldexp(double, int);
"""

# The C library's time functions of runtime/core/time.py (glibc's struct tm;
# time_t is a long on x86-64 Linux).
TIME_CDEF = """
struct tm {
    int tm_sec; int tm_min; int tm_hour; int tm_mday; int tm_mon; int tm_year;
    int tm_wday; int tm_yday; int tm_isdst; long tm_gmtoff; const char *tm_zone;
};
struct tm *gmtime_r(const long *timep, struct tm *result);
struct tm *localtime_r(const long *timep, struct tm *result);
long mktime(struct tm *tm);
void tzset(void);
"""

DECLARATIONS = abi.NATIVE_CDEF + LIBC_CDEF + CPYTHON_CDEF + LIBM_CDEF + TIME_CDEF

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
libm = ffi.dlopen("libm.so.6")
