"""The one contract between generated code and the runtime.

Everything native code may assume about runtime data lives here: how a Ruby
value is packed into a 64-bit word, the status codes opcode semantics and
helpers return, and (in ``NATIVE_CDEF``) the C layout of the call-info
record and the helper table.  ``translate`` imports this module and nothing
else from ``runtime`` when it generates code.

Value words (64 bits)::

    ...xxxxxxx1   Fixnum      n = word >> 1 (arithmetic shift), 63-bit signed
    ...xxxxxx10   Flonum      an immediate double (CRuby's flonum scheme)
    ...xxxxx100   heap object handle = word >> 3, an index in the object table
    ...00000000   false (0x00)   falsy
    ...00001000   nil   (0x08)   falsy
    ...00010000   true  (0x10)
    ...00011000   undef (0x18)   "no value": unset optional args, missing ivars
    ...00100000   Symbol      id = word >> 8

Only ``false`` and ``nil`` are falsy, and they differ in bit 3 alone, so a
truth test is ``(word & ~0x08) != 0``.  Integers outside the 63-bit fixnum
range but inside mruby's 64-bit ``mrb_int`` are heap objects; doubles that
the flonum encoding cannot hold (0.0 aside: NaN, infinities, very large or
very small exponents) are heap objects too.
"""

from __future__ import annotations

import struct

MASK64 = (1 << 64) - 1

FALSE = 0x00
NIL = 0x08
TRUE = 0x10
UNDEF = 0x18
SYMBOL_TAG = 0x20
SYMBOL_MASK = 0xFF
OBJECT_TAG = 0x04
OBJECT_MASK = 0x07
OBJECT_SHIFT = 3      # handle = word >> OBJECT_SHIFT
FLONUM_TAG = 0x02
FLONUM_MASK = 0x03
FIXNUM_TAG = 0x01

FIXNUM_MAX = (1 << 62) - 1
FIXNUM_MIN = -(1 << 62)
MRB_INT_MAX = (1 << 63) - 1    # mruby 3.1 default: 64-bit mrb_int
MRB_INT_MIN = -(1 << 63)

# mruby's CALL_MAXARGS: an argument count (or keyword count) of 15 in a
# SEND's packed c operand means "the arguments are packed in one Array
# (keywords in one Hash)" in R[a+1]
CALL_MAXARGS = 15

_FLONUM_ZERO = 0x8000000000000002


def truthy(word: int) -> bool:
    return (word & ~NIL) != 0


def is_fixnum(word: int) -> bool:
    return word & 1 == 1


def fixable(n: int) -> bool:
    return FIXNUM_MIN <= n <= FIXNUM_MAX


def fixnum(n: int) -> int:
    """Word of an integer known to fit in 63 bits."""
    return ((n << 1) | 1) & MASK64


def fixnum_value(word: int) -> int:
    n = word >> 1
    return n - (1 << 63) if n >= (1 << 62) else n


def is_flonum(word: int) -> bool:
    return word & FLONUM_MASK == FLONUM_TAG


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & MASK64


def _rotr(v: int, n: int) -> int:
    return ((v >> n) | (v << (64 - n))) & MASK64


def flonum(x: float) -> int | None:
    """The flonum word of ``x``, or None when it must be boxed."""
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    top = (bits >> 60) & 0x7
    if bits != 0x3000000000000000 and not ((top - 3) & ~0x01):
        return (_rotl(bits, 3) & ~0x01 & MASK64) | 0x02
    if bits == 0:
        return _FLONUM_ZERO
    return None


def flonum_value(word: int) -> float:
    if word == _FLONUM_ZERO:
        return 0.0
    b63 = word >> 63
    bits = _rotr(((2 - b63) | (word & ~0x03)) & MASK64, 3)
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def is_object(word: int) -> bool:
    return word & OBJECT_MASK == OBJECT_TAG


def object_word(handle: int) -> int:
    return (handle << OBJECT_SHIFT) | OBJECT_TAG


def object_handle(word: int) -> int:
    return word >> OBJECT_SHIFT


def is_symbol(word: int) -> bool:
    return word & SYMBOL_MASK == SYMBOL_TAG


def symbol_word(sym_id: int) -> int:
    return (sym_id << 8) | SYMBOL_TAG


def symbol_id(word: int) -> int:
    return word >> 8


# ---------------------------------------------------------------------------
# Opcode semantics results.  Each opcode's Python function (runtime/ops.py)
# returns None to fall through to the next instruction, a pc >= 0 to jump
# there, or OP_RETURN when the frame is finished (its value in frame.retval).
OP_RETURN = -1


# ===========================================================================
# native ABI  (owned by translate/ and runtime/native.py; appended section)
#
# Generated code for an irep is a function
#
#     int64_t entry(rl_ctx *ctx, uintptr_t regs, uintptr_t counters, int64_t start_pc,
#                   uint64_t argc, uintptr_t sites)
#
# with ``regs`` = &R[0] of the frame (in the running context's register
# stack), ``counters`` the address of one uint64 per instruction (incremented
# when translated with counting), ``start_pc`` the pc to start at, ``argc``
# the frame's argument counts as the caller left them, ``n | nk << 8`` (read
# by the inline ENTER), and ``sites`` the irep's inline caches (one
# ``rl_site`` per native call site).  (Addresses travel as integers: Python
# passes them without building cdata.)  It returns ST_RETURN when the frame
# is done (the value is where the Python semantics of RETURN put it,
# ``frame.retval``), ST_RETVAL when generated code returned by itself (the
# value in ``ctx->retval``), ST_ERROR when a Ruby exception or an unwind
# leaves the frame (the engine re-raises the stored Python exception), or
# ST_BADPC when control reached a pc that is not an instruction.
#
# The call-info stack.  ``ctx->ci`` points at the running frame's
# ``rl_callinfo`` in the running context's call-info array (``cibase``):
# record ``i`` is the frame at ``vm.frames[i]``.  A native call site pushes
# the callee's record itself (``ctx->ci += 1``, up to ``ci_limit``) and
# calls the callee's entry directly; Python makes a ``Frame`` for such a
# record only when a slow path needs one (a *view*: ``view`` = 1 in the
# record; such a frame returns through Python).  Before it calls, a site
# stores its own pc (the next instruction's) in its record, so backtraces
# made later see where each native frame is.
#
# Everything generated code does not do inline it asks of ``ctx->op(ctx, arg)``
# with ``arg = pc | depth << 32 | kind << 48`` (``depth``: the index of the
# running frame's record): kind OPK_RUN runs ``runtime.ops.OPS[name](vm,
# frame, ins)`` for the instruction at ``pc``; OPK_FILL fills the inline
# cache of the call site at ``pc`` (0: it now holds a callee to call, else
# the site takes its slow path); OPK_FAILED re-raises, in the frame of the
# site at ``pc``, what made its native callee return ST_ERROR; OPK_ALLOC
# allocates the object a SITE_NEW site initializes (no Frame views: the
# collector reads the records Python has no view of, NativeEngine.native_roots);
# OPK_POP_VIEW drops the Frame Python made of such a site's ``new`` record;
# OPK_LEAF runs GETIDX, SETIDX or a SITE_LEAF send's builtin when
# runtime/leaves.py finds the call a leaf (ST_NEXT, its value in R[a]), else
# answers ST_NOT_LEAF and the site takes its slow path; in the activation's
# own frame, which needs no view, it runs the instruction as OPK_RUN does.  Generated
# code keeps ``regs`` in a callee-saved register (a frame's register window
# never moves; ``ctx->regs`` is not used).  The callback returns ST_NEXT
# (fall through), ST_JUMP (continue at ``ctx->pc``: a jump, or the catch
# handler of an exception raised here), ST_RETURN, ST_RETVAL or ST_ERROR.
# No Python exception ever crosses the callback.

NATIVE_CDEF = """
typedef struct rl_callinfo {
    uint8_t  n;             /* positional argument count, 15 = packed Array */
    uint8_t  nk;            /* keyword argument count, 15 = packed Hash */
    uint8_t  cci;           /* CINFO_NONE / CINFO_SKIP / CINFO_DIRECT */
    uint8_t  kind;          /* 0 = Ruby irep, 1 = builtin */
    uint32_t mid;           /* method symbol id, 0 for none */
    uint32_t stack;         /* register base: index into the register stack */
    int32_t  pc;            /* byte offset of the next instruction (ci->pc) */
    uint64_t proc;          /* word of the RProc, nil for a builtin */
    uint64_t target_class;  /* word of the target class */
    uint64_t view;          /* 1: Python holds a Frame of this record (a view) */
    uint64_t upvars;        /* a block's: the cell of the env its upvars (level 0) are in */
    uint64_t held;          /* a word kept for the caller: the object a native Class#new's
                               record initializes, the block of a native SENDB */
    uint64_t upvars1;       /* a block's: the cell of the env of its upvars of level 1 */
    uint64_t env;           /* the cell of the frame's own env, or 0: BLOCK takes it, and
                               the RETURN (or error exit) of a frame without a view
                               unshares the env natively */
    uint64_t spare[7];      /* pads the record to 128 bytes */
} rl_callinfo;
typedef struct rl_vmstate {
    uint64_t    *stack;           /* register stack */
    uint64_t     stack_size;      /* in words */
    rl_callinfo *cibase;          /* call-info stack */
    int64_t      ci;              /* index of the current call-info record */
    int64_t      ci_size;
    uint64_t    *class_words;     /* class word of each object handle */
    uint64_t     class_words_len;
    uint64_t    *iv_blocks;       /* ivar block of each object handle, 0: none (shapes.py) */
    uint64_t    *ary_blocks;      /* element block of each Array handle, 0: none (natarray.py) */
    uint64_t    *ary_log;         /* handles of Arrays generated code grew (natarray.py) */
    uint64_t     ary_log_n;       /* entries in ary_log */
    uint64_t     ary_log_cap;     /* room in ary_log */
    uint64_t     proc_class;      /* class word of Proc (SENDB's block check) */
    uint64_t    *orphan_log;      /* (block, caller's register base) of native SENDBs returned */
    uint64_t     orphan_log_n;    /* pairs in orphan_log */
    uint64_t     orphan_log_cap;  /* room in orphan_log, in pairs */
    uint64_t     logged;          /* nonzero while a log holds entries */
    uint64_t    *proc_calls;      /* per handle: a Proc's call data (PROC_*), or 0 */
    uint64_t    *ary_pool;        /* Arrays ready for ARRAY literals (runtime/heap.py) */
    uint64_t    *env_log;         /* cells of envs generated code unshared */
    uint64_t     env_log_n;       /* cells in env_log */
    uint64_t     env_log_cap;     /* room in env_log */
    uint64_t    *proc_pool;       /* Procs ready for BLOCK/LAMBDA (runtime/heap.py) */
    uint64_t    *env_pool;        /* env cells ready for BLOCK/LAMBDA (runtime/heap.py) */
    uint64_t    *closure_log;     /* new envs of frames Python has (CLOSURE_LOG_WORDS each) */
    uint64_t     closure_log_n;   /* entries in closure_log */
    uint64_t     closure_log_cap; /* room in closure_log, in entries */
    uint64_t    *str_blocks;      /* byte block of each String generated code owns (natstring.py) */
    uint64_t    *str_pool;        /* Strings ready for generated code (runtime/heap.py) */
    uint64_t    *libm;            /* the C library's functions of LIBM_INLINE, in its order */
    uint64_t    *env_blocks;      /* per handle: the cell of an env generated code made and
                                     Python has no REnv of, or 0 (runtime/natlogs.py) */
} rl_vmstate;
typedef struct rl_site {
    uint64_t klass;          /* receiver's class word (1: a fixnum) */
    uint64_t serial;         /* method-state serial it was filled at */
    uint64_t cell;           /* callee's entry cell; 0: call through Python */
    uint64_t counters;       /* callee's instruction counters */
    uint64_t sites;          /* callee's inline caches */
    uint64_t proc;           /* word of the callee's RProc */
    uint64_t target_class;   /* word of the class the method was found in */
    uint64_t nregs;          /* registers the callee's frame needs */
    uint64_t mid;            /* the callee frame's method name (symbol id) */
    uint64_t self;           /* SITE_NEW: the class */
    uint64_t spare0;         /* free */
    uint64_t flags;          /* SITE_PROC_CALL, SITE_NEW, ... */
    uint64_t iv_shape;       /* ivar caches: the shape, the shape after a store, the slot */
    uint64_t iv_next;
    uint64_t iv_slot;
    uint64_t spare1;         /* free */
} rl_site;
typedef struct rl_ctx {
    uintptr_t regs;          /* unused (generated code keeps &R[0] in rbx) */
    int64_t   pc;            /* ST_JUMP: the pc to continue at */
    int64_t (*op)(struct rl_ctx *ctx, int64_t arg);
    uint64_t  retval;        /* ST_RETVAL: the value of the frame */
    uint64_t *redefined;     /* [0]: INT_BUILTINS bits, set = not inline; [1]: method serial */
    uintptr_t ci;            /* the running frame's rl_callinfo */
    uintptr_t ci_limit;      /* the first record past the context's depth limit */
    uintptr_t cibase;        /* the context's call-info array */
    uintptr_t stack;         /* the context's register stack */
    uintptr_t stack_limit;   /* &stack[MRB_STACK_MAX]: no frame's registers reach past it */
    rl_vmstate *state;       /* class words of heap objects */
    uint64_t  calls;         /* native calls made (counted when translated with counting) */
    uint64_t *const_serial;  /* bumped by every change of a constant (GETCONST caches) */
    uintptr_t act_ci;        /* the record of the running activation's own frame, which
                                Python has a Frame of (NativeEngine.run) */
    uint64_t  reserved[2];
} rl_ctx;
typedef int64_t (*rl_entry)(rl_ctx *ctx, uintptr_t regs, uintptr_t counters, int64_t start_pc,
                            uint64_t argc, uintptr_t sites);
typedef int64_t (*rl_op)(rl_ctx *ctx, int64_t arg);
"""

# byte offsets of rl_ctx fields (a test checks them against cffi's layout)
CTX_REGS = 0
CTX_PC = 8
CTX_OP = 16
CTX_RETVAL = 24
CTX_REDEFINED = 32
CTX_CI = 40
CTX_CI_LIMIT = 48
CTX_CIBASE = 56
CTX_STACK = 64
CTX_STACK_LIMIT = 72
CTX_STATE = 80
CTX_CALLS = 88
CTX_CONST_SERIAL = 96
CTX_ACT_CI = 104

# words of ``*ctx->redefined``
REDEFINED_BITS = 0
METHOD_SERIAL = 1

# byte offsets of rl_callinfo fields, its size, and of rl_vmstate's class words
CI_N = 0
CI_MID = 4
CI_STACK = 8
CI_PC = 12
CI_PROC = 16
CI_TARGET_CLASS = 24
CI_VIEW = 32
CI_UPVARS = 40
CI_UPVARS1 = 56
CI_ENV = 64
CI_SIZE = 128
CI_SHIFT = 7                # log2(CI_SIZE)
STATE_CLASS_WORDS = 40
STATE_IV_BLOCKS = 56
STATE_ARY_BLOCKS = 64
STATE_ARY_LOG = 72
STATE_ARY_LOG_N = 80
STATE_ARY_LOG_CAP = 88
STATE_PROC_CLASS = 96
STATE_ORPHAN_LOG = 104
STATE_ORPHAN_LOG_N = 112
STATE_ORPHAN_LOG_CAP = 120
STATE_LOGGED = 128
STATE_PROC_CALLS = 136
STATE_ARY_POOL = 144
STATE_ENV_LOG = 152
STATE_ENV_LOG_N = 160
STATE_ENV_LOG_CAP = 168
STATE_PROC_POOL = 176
STATE_ENV_POOL = 184
STATE_CLOSURE_LOG = 192
STATE_CLOSURE_LOG_N = 200
STATE_CLOSURE_LOG_CAP = 208
STATE_STR_BLOCKS = 216
STATE_STR_POOL = 224
STATE_LIBM = 232
STATE_ENV_BLOCKS = 240
# a closure_log entry (runtime/natlogs.py): a new env generated code gave a
# frame Python has a Frame of: its cell, the record's depth, register base and proc
CLOSURE_LOG_WORDS = 4
# the class word of an env generated code made and Python has no REnv of
# (an env has no class; the word of handle 0 names none): the collector's
# sweep kernel frees it as it frees other objects Python never saw
ENV_CLASS_WORD = OBJECT_TAG
ENV_POOL_WORDS = 16         # the buffer of a pooled env: ireps with more locals call Python
# a Proc's call data (rl_vmstate.proc_calls, runtime/heap.py proc_call_data):
# what generated code needs to call it as OP_CALL does: the entry cell of its
# code, the cell of its env (self, level-0 upvars, target class, name) and
# the cell of its upper proc's env (level-1 upvars), or 0
PROC_ENTRY, PROC_ENV, PROC_ENV1 = 0, 8, 16
# and its flags: a lambda's; mruby's MRB_PROC_ORPHAN, which generated code
# sets when a native SENDB's callee returns and the block's env is the
# caller's (the Proc has no RProc yet, runtime/natlogs.py); and "Python has
# an RProc of it", whose orphan mark Python keeps (rl_vmstate.orphan_log)
PROC_FLAGS = 24
PROC_STRICT, PROC_ORPHAN, PROC_SEEN = 1, 2, 4
# then, for a Proc generated code's BLOCK/LAMBDA made (code, no PROC_SEEN),
# what runtime/natlogs.py makes its RProc from: its upper proc's word and its
# irep's index in the upper's
PROC_UP, PROC_IREP = 32, 40
PROC_CALL_WORDS = 6
# a code-cache entry cell (runtime/codecache.py): the code's address (the
# stub's until it is installed), then what the engine keeps of the irep for
# a call through the cell: its instruction counters, its inline caches, its
# register count
CELL_CODE, CELL_COUNTERS, CELL_SITES, CELL_NREGS = 0, 8, 16, 24
CELL_WORDS = 4
# an env cell (runtime/heap.py env_cell): the address of the env's registers
# (on the stack, or its own buffer once unshared), its buffer, its length,
# its word, its target class's word, its method name (what a frame of a
# block of the env is named) and 1 once Python has an REnv of it (an env
# Python has not seen needs no env_log entry when it is unshared); then, for
# an env generated code's BLOCK made, what runtime/natlogs.py makes its REnv
# from: its frame's record head (n, nk, cci, kind, mid), register base
# (low half), proc's word, and register stack's address
ENV_REGS, ENV_BUF, ENV_LENGTH, ENV_WORD, ENV_TC, ENV_MID, ENV_SEEN = 0, 8, 16, 24, 32, 40, 48
ENV_HEAD, ENV_BASE, ENV_UP, ENV_STACK = 56, 64, 72, 80
ENV_CELL_WORDS = 12
ARY_LITERAL_MAX = 8         # elements of an ARRAY literal taken from the pool (its blocks' room)
# a String generated code owns (runtime/natstring.py): its length and its
# room in bytes, then its bytes; every block has STR_WORDS words
STR_LEN, STR_ROOM = 0, 8
STR_HDR = 2
STR_WORDS = 8
STR_ROOM_BYTES = 8 * (STR_WORDS - STR_HDR)

# rl_site: the inline cache of one native call site
SITE_KLASS = 0
SITE_SERIAL = 8
SITE_CELL = 16
SITE_COUNTERS = 24
SITE_SITES = 32
SITE_PROC = 40
SITE_TARGET_CLASS = 48
SITE_NREGS = 56
SITE_MID = 64
SITE_SELF = 72
SITE_FLAGS = 88
# the same record as the cache of GETIV/SETIV, of an attr_reader/attr_writer
# send (SITE_IVAR_*) and of GETCONST (SITE_SERIAL, SITE_PROC, SITE_VALUE)
SITE_IV_SHAPE = 96          # the shape id the receiver's ivar block must have
SITE_IV_NEXT = 104          # SETIV: its shape id after the store
SITE_IV_SLOT = 112          # the variable's slot
SITE_VALUE = 72             # GETCONST: the constant's value
SITE_SIZE = 128
SITE_PROC_CALL = 1          # flags: Proc#call: the receiver's code called (rl_vmstate.proc_calls)
SITE_IVAR_READER = 2        # flags: an attr_reader: the slot of the receiver's block
SITE_IVAR_WRITER = 4        # flags: an attr_writer: the store SETIV makes
IV_HDR = 3                  # words of an ivar block before its slots (runtime/shapes.py):
IV_CAPACITY = 16            # its shape id, writable capacity (0 frozen) and capacity
IV_ROOT_SHAPE = 1           # the shape id of no variables (shapes.ROOT)
# an array block (runtime/natarray.py): length, writable capacity (0 while
# frozen), 0 or, while its handle is in rl_vmstate.ary_log, 1 + the least
# length the block had since it was logged; then the elements
ARY_HDR = 3
ARY_LEN, ARY_CAP, ARY_LOGGED = 0, 8, 16
SITE_ARY = 32               # flags: an Array send (SITE_IV_SLOT says which) run inline
ARY_AREF, ARY_SIZE, ARY_FIRST, ARY_LAST, ARY_EMPTY, ARY_PUSH, ARY_POP, ARY_SHIFT = range(8)
# the sends a SITE_ARY site runs inline: name -> (argument count, ARY_* kind)
ARRAY_INLINE_SENDS = {"[]": (1, ARY_AREF), "size": (0, ARY_SIZE), "length": (0, ARY_SIZE),
                      "first": (0, ARY_FIRST), "last": (0, ARY_LAST), "empty?": (0, ARY_EMPTY),
                      "push": (1, ARY_PUSH), "append": (1, ARY_PUSH), "<<": (1, ARY_PUSH),
                      "pop": (0, ARY_POP), "shift": (0, ARY_SHIFT)}
SITE_STR = 64               # flags: String#<< of a String, Integer#to_s: on String blocks
                            # (runtime/natstring.py) inline, when both are generated code's
SITE_SQRT = 128             # flags: Math.sqrt, inline (sqrtsd) on a fixnum or flonum >= 0
SITE_LIBM = 256             # flags: a Math function of LIBM_INLINE: the C library's, called
                            # inline on a fixnum or flonum (rl_vmstate.libm)
# Math's one-argument functions defined everywhere (no DomainError): mruby's
# math.c returns what the C library's function gives, and so does a send whose
# cache holds the builtin (SITE_LIBM), calling it through rl_vmstate.libm[i]
LIBM_INLINE = ("sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "asinh", "exp", "cbrt",
               "erf", "erfc")
SITE_NUM = 512              # flags: a numeric builtin of NUM_INLINE_SENDS (SITE_IV_SLOT says
                            # which) on a fixnum or flonum receiver, inline
NUM_TO_F, NUM_NEG, NUM_TRUNC, NUM_FLOOR, NUM_CEIL, NUM_ABS = range(6)
# the sends with no argument a SITE_NUM site runs inline: name -> NUM_* kind
# (to_f of a fixnum or flonum; the others of a flonum, whose value fits)
NUM_INLINE_SENDS = {"to_f": NUM_TO_F, "-@": NUM_NEG, "to_i": NUM_TRUNC, "truncate": NUM_TRUNC,
                    "floor": NUM_FLOOR, "ceil": NUM_CEIL, "abs": NUM_ABS}
SITE_WORDS = SITE_SIZE // 8
SITE_FIXNUM = 1             # the class key of a fixnum receiver
SITE_FLONUM = 2             # the class key of a flonum receiver (no class word is 2)

SITE_NEW = 8                # flags: Class#new of SITE_SELF, then its compiled initialize
SITE_LEAF = 16              # flags: a builtin that is a leaf for some arguments (OPK_LEAF)
SITE_OUTER_MID = 96         # SITE_NEW: the symbol id of the ``new`` frame's method
SITE_POOL = 104             # SITE_NEW: the class's allocation pool (runtime/heap.py)
CI_HELD = 48                # the ``new`` record's new object (SITE_NEW), a SENDB's block

# the kinds of ctx->op calls (bits 48.. of its argument)
OPK_RUN = 0
OPK_FILL = 1
OPK_FAILED = 2
OPK_ALLOC = 3               # Class#new's allocation (SITE_NEW): the object in ctx->retval
OPK_POP_VIEW = 4            # after SITE_NEW: Python drops its Frame of the ``new`` record
OPK_LEAF = 5                # a leaf call (runtime/leaves.py), no Frame views: 0 done, ST_NOT_LEAF
OPK_ORPHAN = 6              # a native SENDB returned with orphan_log full: Python marks the block
OPK_FLUSH = 7               # a log is full: Python replays the logs (natlogs.py), nothing else
OPK_STRINGS = 8             # the pool of Strings is empty: Python fills it (heap.py), nothing else
OPK_SHIFT = 48
DEPTH_SHIFT = 32

# Integer methods that a SEND of a fixnum receiver (and fixnum argument) runs
# inline while they are the builtins: (name, argument count), the index is
# the bit in ``*ctx->redefined``.  The runtime sets every bit when any method
# table changes and clears the bit of each method that ``Integer`` still
# finds as its boot-time builtin (``!=`` needs ``==`` too: BasicObject#!=
# calls it); a set bit sends the call through Python.
INT_BUILTINS = (("&", 1), ("|", 1), ("^", 1), ("<<", 1), (">>", 1), ("%", 1),
                ("!=", 1), ("<=>", 1), ("-@", 0), ("~", 0))
INT_BUILTIN_BIT = {name: i for i, (name, _argc) in enumerate(INT_BUILTINS)}
# and one more bit: ``!`` of nil, false and true runs inline while NilClass,
# FalseClass and TrueClass find BasicObject#! (``not x`` is a send in 3.1)
NOT_BUILTIN_BIT = len(INT_BUILTINS)
REDEFINED_ALL = (1 << (len(INT_BUILTINS) + 1)) - 1

# statuses of ctx->op and of an irep's entry
ST_NEXT = 0
ST_JUMP = 1
ST_RETURN = 2
ST_ERROR = 3
ST_BADPC = 4
ST_COMPILE = 5      # returned by the "compile me" stub an evicted method's entry cell points at
ST_RETVAL = 6       # the frame returned natively, its value in ctx->retval
ST_NOT_LEAF = 7     # OPK_LEAF: not a leaf call, nothing ran: the slow path

# machine code for the heap's bulk work (translate/kernels.py), each
# ``void kernel(uint64_t *args)`` with args as these word indexes.
# The collector's sweep of objects generated code made (runtime/gc.py):
# the five OUT cursors start at their buffers and come back past
# the last word written (a freed handle; an Array literal's, a String's or
# an ivar block's address; that ivar block's capacity)
SWEEP_MARKED = 0        # uint8_t[n]: 1 marked, 0 not
SWEEP_COUNT = 1         # n: handles 1 .. n-1 are swept
SWEEP_CLASS_WORDS = 2   # rl_vmstate.class_words
SWEEP_IV_BLOCKS = 3     # ... iv_blocks, ary_blocks, str_blocks (HandleTable.blocks)
SWEEP_ARY_BLOCKS = 4
SWEEP_STR_BLOCKS = 5
SWEEP_OUT_HANDLES = 6
SWEEP_OUT_ARY = 7
SWEEP_OUT_STR = 8
SWEEP_OUT_IV = 9
SWEEP_OUT_IV_CAP = 10
SWEEP_PROC_BLOCKS = 11  # rl_vmstate.proc_calls: a Proc's call data is blanked, its address out
SWEEP_OUT_PROC = 12     # (this cursor is kept in args as the kernel goes)
SWEEP_ENV_BLOCKS = 13   # rl_vmstate.env_blocks: an env's entry is cleared, its cell out
SWEEP_OUT_ENV = 14      # (kept in args too)
SWEEP_ARGS = 15
# A pool refill (runtime/heap.py's _pool_handles): for each of COUNT
# handles, its class word (CLASS_WORD; 0: none written), its entry in
# TABLE (a HandleTable's blocks; 0: none) from ADDRESSES, its word to WORDS
FILL_HANDLES = 0
FILL_COUNT = 1
FILL_CLASS_WORDS = 2
FILL_CLASS_WORD = 3
FILL_TABLE = 4
FILL_ADDRESSES = 5
FILL_WORDS = 6
FILL_ARGS = 7
# An env pool's refill (runtime/heap.py's fill_closure_pools): each of COUNT
# cells gets its buffer, its handle's word and ENV_SEEN 0
ENV_FILL_HANDLES = 0
ENV_FILL_CELLS = 1
ENV_FILL_BUFFERS = 2
ENV_FILL_COUNT = 3
ENV_FILL_ARGS = 4
# The env cells of dead closures (runtime/gc.py): each of COUNT cells gets
# word 0 (ENV_REGS) cleared, its buffer (ENV_BUF) written to OUT_BUFFERS
ENV_SWEEP_CELLS = 0
ENV_SWEEP_COUNT = 1
ENV_SWEEP_OUT_BUFFERS = 2
ENV_SWEEP_ARGS = 3
