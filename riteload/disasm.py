"""The listing ``mruby -v -b FILE.mrb`` prints of a loaded file, and the same as JSON.

mruby prints it with ``codedump()`` in ``src/codedump.c``; each release
prints it a little differently, so each release has a *dialect* here: one
template per opcode (keyed by the opcode's name in ``riteload.opcodes``,
whose table is the only place opcode numbers live) and a few switches.
The 3.1 templates are the base; 3.4 and 4.0 override only the templates
that changed, and 3.0 (whose codedump prefixed every name with ``OP_``)
has its own set.  Which release a file gets follows its format version:
RITE0200 is listed as mruby 3.0 does, RITE0400 as 4.0 does, and RITE0300
as 3.1 does unless ``release="3.4"`` asks for 3.4's listing.

Templates are ``str.format`` strings over the fields of :class:`_Fields`
(``{a}``, ``{sb}`` = symbol b dumped as ``mrb_sym_dump`` does, ``{jb}`` =
jump target of b, ``{lv_a}`` = the ``; R1:x`` comment and the newline...),
or, for the few opcodes whose text depends on the pool entry's type, a
function of the fields.  A template of ``None`` means the release has no
print case for that opcode: mruby prints ``unknown`` and goes on with the
next byte, and so do we.

The irep addresses mruby prints with ``%p`` are replaced by stable fake
ones derived from each irep's position in the walk.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .debug import mrb_debug_get_filename, mrb_debug_get_line
from .errors import DecodeError, RiteError
from .model import (
    CATCH_ENSURE,
    CATCH_RESCUE,
    POOL_BIGINT,
    POOL_FLOAT,
    POOL_INT32,
    POOL_INT64,
    Instruction,
    Irep,
    RiteFile,
)
from .opcodes import table_for
from .symbol import symname_p
from .versions import VERSIONS

__all__ = ["listing", "listing_json", "release_for", "DIALECTS", "sym_dump"]

Template = str | Callable[["_Fields"], str] | None


# --------------------------------------------------------------------------
# Symbols and strings as mruby prints them (src/symbol.c, src/string.c)

_ESCAPES = {0x0A: "n", 0x0D: "r", 0x09: "t", 0x0C: "f", 0x0B: "v", 0x08: "b", 0x07: "a",
            0x1B: "e"}


def _str_dump(s: bytes) -> str:
    """mrb_str_dump(): a double-quoted literal with everything non-printable escaped."""
    out = ['"']
    n = len(s)
    for i, c in enumerate(s):
        if c in (0x22, 0x5C) or (c == 0x23 and i + 1 < n and s[i + 1] in b"$@{"):
            out.append("\\" + chr(c))
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        elif c in _ESCAPES:
            out.append("\\" + _ESCAPES[c])
        else:
            out.append("\\x%02x" % c)
    out.append('"')
    return "".join(out)


def _sym_bytes(name: str | bytes) -> bytes:
    if isinstance(name, bytes):
        return name
    return name.encode("utf-8", "surrogateescape")


def sym_dump(name: str | bytes | None) -> str:
    """mrb_sym_dump(): the name as is when it reads as a symbol, else quoted.

    The null symbol (``None``) is a NULL ``char*``, which glibc's printf
    prints as ``(null)``.
    """
    if name is None:
        return "(null)"
    raw = _sym_bytes(name)
    if b"\0" not in raw and symname_p(raw):
        return _c_text(raw)
    return _str_dump(raw)


def _c_text(raw: bytes) -> str:
    """Bytes printed with ``%s``: up to the first NUL, as text."""
    nul = raw.find(b"\0")
    if nul >= 0:
        raw = raw[:nul]
    return raw.decode("utf-8", "surrogateescape")


_PACK_CHARS = frozenset(b"_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

# Names of at most five [A-Za-z0-9_] characters that Debian's mruby 3.1.0
# finds in its preset symbol table (so they are not packed inline).  Found by
# listing ``alias :NAME :zq9x`` for every such word of the 3.1.0 sources
# through that ``mruby -v``; other releases' tables differ a little.
_PRESYM_SHORT = frozenset("""
    ARGV Array CREAT Class DIG DSYNC E EXCL FREE Fiber File Float GC Hash IO Lazy MAX MIN Math
    NAN NONE NULL PI Proc RADIX RDWR RSYNC Range STDIN SYNC TOTAL TRUNC T_ENV Time _bind _name
    _new _pipe _proc _recv a abs abs2 acos acosh addr af ai angle ar arg arg0 arg1 arg2 args
    argv arity array ary ary_F ary_T arys asin asinh assoc at atan atan2 atanh attr b beg
    begin bi bind blk block bool bs bsiz buf byte bytes c call cbrt ceil char chars chmod
    chomp chop chr clamp class clear clone close cmd cmp conj cos cosh count ctime curr curry
    cycle data day depth dig dir div drop dump dup e e0 e2 e3 each ed ei elem end enums env
    eof epos erf erfc err eval exp f fail fd fdiv feed fetch fib field file fill find first
    flag flags flock floor flush fname force found frexp getc getgm gets gm grep group gsub h
    hash hex high host hour hypot i idx idx2 imag in index init int io ip j join k key keys
    kwd l lary last lazy ldexp left len level lhs lidx lim limit line lines list ljust local
    log log10 log2 loop low lsize lval lz m map max mday merge mesg meth mid min mode mon
    month msg mtime n name names new next nk none now ntop num nv o obj oct open opt opts ord
    orig other out owner p pack pad1 pad2 pair pat path peek perm phase pid pipe plen polar
    pop popen port pos pproc pre pread print proc proto pton push puts quo r raise rand read
    real rect recv req res rest ret rhs ridx right rjust round row rs rval s sa sary sc sec
    seek send sep shift sin sinh size slice sock sort split sqrt srand stack start state step
    store str str2 strip sub succ sv sym sync t take taken tally tan tanh tap tcp tell then
    times tmp to_a to_c to_f to_h to_i to_r to_s total tr tr_s type udp umask union uniq unix
    upto usec user utc v val vals value vs w wday width write x y yday year yield z zip zone
""".split())


def _inline_symbol_p(name: str | bytes | None) -> bool:
    """Does mruby keep this symbol packed in the symbol id (sym_inline_pack)?

    Such names are unpacked into one shared buffer (mrb->symbuf), so two of
    them in one printf print the same text, and two such file names compare
    equal as pointers.  Names in the preset symbol table are never inline.
    """
    if name is None:
        return False
    raw = _sym_bytes(name)
    if not (0 < len(raw) <= 5 and all(c in _PACK_CHARS for c in raw)):
        return False
    return raw.decode("ascii") not in _PRESYM_SHORT


# --------------------------------------------------------------------------
# Fields a template may use

def _s16(v: int) -> int:
    v &= 0xFFFF
    return v - 0x10000 if v & 0x8000 else v


def _s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - 0x100000000 if v & 0x80000000 else v


def _num_tag(tag: str) -> bool:
    """IREP_TT_NFLAG: the pool entry is a number, not a string."""
    return tag in (POOL_INT32, POOL_INT64, POOL_BIGINT, POOL_FLOAT)


def _c_float(x: float) -> str:
    """printf("%f")."""
    if math.isnan(x):
        return "-nan" if math.copysign(1.0, x) < 0 else "nan"
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    return "%f" % x


class _Fields:
    """The values a template names, computed when asked for."""

    def __init__(self, ctx: _IrepContext, ins: Instruction):
        self.ctx = ctx
        self.ins = ins
        self.a, self.b, self.c = ins.a, ins.b, ins.c

    def __getitem__(self, key: str):
        return getattr(self, "f_" + key)()

    # operands ---------------------------------------------------------
    def f_a(self): return self.a
    def f_b(self): return self.b
    def f_c(self): return self.c
    def f_a1(self): return self.a + 1
    def f_a2(self): return self.a + 2
    def f_ax(self): return "%x" % self.a
    def f_b16(self): return _s16(self.b)                       # (int16_t)b
    def f_i32(self): return _s32((self.b << 16) + self.c)      # (int32_t)((b<<16)+c)

    def f_n(self):
        """The N of LOADI_N."""
        return self.ins.opcode - self.ctx.table.number("LOADI_0")

    # symbols ----------------------------------------------------------
    def f_sa(self): return self.ctx.sym(self.a)
    def f_sb(self): return self.ctx.sym(self.b)

    def f_sb_alias(self):
        """ALIAS's second symbol: both names come from one buffer when inline."""
        syms = self.ctx.irep.syms
        if (self.a < len(syms) and self.b < len(syms)
                and _inline_symbol_p(syms[self.a]) and _inline_symbol_p(syms[self.b])):
            return self.ctx.sym(self.a)
        return self.ctx.sym(self.b)

    # jumps: the target is the pc after the instruction plus a signed offset
    def f_ja(self): return "%03d" % (self.ins.next_pc + _s16(self.a))
    def f_jb(self): return "%03d" % (self.ins.next_pc + _s16(self.b))

    # pool -------------------------------------------------------------
    def f_pa(self): return self.ctx.pool_text(self.a)
    def f_pb(self): return self.ctx.pool_text(self.b)

    def f_pv_b(self):
        """LOADL's ``; value`` when mruby knows the entry's number type."""
        v = self.ctx.pool_number(self.b)
        return "" if v is None else "; " + v

    def f_tpv_b(self):
        v = self.ctx.pool_number(self.b)
        return "" if v is None else "\t; " + v

    def f_sv_b(self):
        """3.0/3.1 STRING: ``; text`` unless the entry is a number."""
        return "" if self.ctx.pool_is_number(self.b) else "; " + self.ctx.pool_text(self.b)

    def f_tsv_b(self):
        """4.0 STRING: ``\\t; text`` unless the text is empty."""
        t = self.ctx.pool_text(self.b)
        return "\t; " + t if t else ""

    # child ireps ------------------------------------------------------
    def f_rb(self): return self.ctx.rep_address(self.b)

    # argument specs ---------------------------------------------------
    def f_nb(self): return self.ctx.dialect.print_args(self.b)
    def f_nc(self): return self.ctx.dialect.print_args(self.c)

    def f_bspec(self):
        """ARGARY/BLKPUSH: m1:r:m2:kd (lv)."""
        b = self.b
        return "%d:%d:%d:%d (%d)" % ((b >> 11) & 0x3F, (b >> 10) & 1, (b >> 5) & 0x1F,
                                     (b >> 4) & 1, b & 0xF)

    def f_aspec(self):
        """ENTER: req:opt:rest:post:key:kdict:block (MRB_ASPEC_*)."""
        a = self.a
        parts = [(a >> 18) & 0x1F, (a >> 13) & 0x1F, (a >> 12) & 1, (a >> 7) & 0x1F,
                 (a >> 2) & 0x1F, (a >> 1) & 1, a & 1]
        if self.ctx.dialect.aspec_noblock:
            parts.append((a >> 23) & 1)
        return ":".join(map(str, parts))

    # local variable comments -----------------------------------------
    def f_lv_a(self): return self.ctx.dialect.lv_a(self.ctx, self.a)
    def f_lv_ab(self): return self.ctx.dialect.lv_ab(self.ctx, self.a, self.b)


# --------------------------------------------------------------------------
# Dialects

def _args_31(i: int) -> str:
    i &= 0xFF            # print_args(uint8_t)
    return _args_text(i) + " (0x%02x)\n" % i


def _args_34(i: int) -> str:
    return _args_text(i) + "\n"


def _args_text(i: int) -> str:
    n, nk = i & 0xF, (i >> 4) & 0xF
    text = "n=*" if n == 15 else "n=%d" % n
    if nk:
        text += "|" + ("nk=*" if nk == 15 else "nk=%d" % nk)
    return text


def _lv_name(ctx: _IrepContext, n: int) -> str:
    """print_r(): `` Rn:name`` or nothing."""
    if n == 0 or n >= ctx.irep.nlocals:
        return ""
    name = ctx.lvars[n - 1] if n - 1 < len(ctx.lvars) else None
    if name is None:
        return ""
    return " R%d:%s" % (n, sym_dump(name))


def _lv_a_3(ctx, a):
    if not ctx.lvars or a >= ctx.irep.nlocals or a == 0:
        return "\n"
    return "\t;" + _lv_name(ctx, a) + "\n"


def _lv_ab_3(ctx, a, b):
    nl = ctx.irep.nlocals
    if not ctx.lvars or (a >= nl and b >= nl) or a + b == 0:
        return "\n"
    return "\t;" + (_lv_name(ctx, a) if a else "") + (_lv_name(ctx, b) if b else "") + "\n"


def _lv_a_4(ctx, a):
    r = _lv_name(ctx, a) if ctx.lvars else ""
    return ("\t;" + r if r else "") + "\n"


def _lv_ab_4(ctx, a, b):
    if not ctx.lvars:
        return "\n"
    ra, rb = _lv_name(ctx, a), _lv_name(ctx, b)
    return ("\t;" + ra + rb if ra or rb else "") + "\n"


@dataclass
class Dialect:
    """How one mruby release's codedump() prints a listing."""

    release: str
    templates: dict[str, Template]
    header_ilen: str = "ilen"                 # 3.0 says iseq=
    lv_header_always: bool = True             # 3.0/3.1: print every name, "" for none
    print_args: Callable[[int], str] = _args_31
    lv_a: Callable = _lv_a_3
    lv_ab: Callable = _lv_ab_3
    aspec_noblock: bool = False               # 4.0's ENTER has an 8th field
    line_types: frozenset = frozenset({"ary", "flat", "packed"})
    unknown: str = "unknown_op (0x%x)\n"
    int64_typed: bool = True                  # 3.0's loader never sets an INT64 entry's type

    @property
    def format_version(self) -> str:
        """The format this release's listing is for: the record naming it among its dialects."""
        return next(v.version for v in VERSIONS.values() if self.release in v.dialects)


def _err(prefix_str: str, prefix_num: str, bracket: str):
    def fmt(f: _Fields) -> str:
        if f.ctx.pool_is_number(f.a):
            return prefix_num + bracket % f.a + "\n"
        return prefix_str + f.ctx.pool_text(f.a) + "\n"
    return fmt


# mruby 3.1.0 src/codedump.c
_T31: dict[str, Template] = {
    "NOP": "NOP\n",
    "MOVE": "MOVE\t\tR{a}\tR{b}\t{lv_ab}",
    "LOADL": "LOADL\t\tR{a}\tL({b})\t{pv_b}{lv_a}",
    "LOADI": "LOADI\t\tR{a}\t{b}\t{lv_a}",
    "LOADINEG": "LOADI\tR{a}\t-{b}\t{lv_a}",
    "LOADI__1": "LOADI__1\tR{a}\t\t{lv_a}",
    **{f"LOADI_{n}": "LOADI_{n}\tR{a}\t\t{lv_a}" for n in range(8)},
    "LOADI16": "LOADI16\tR{a}\t{b16}\t{lv_a}",
    "LOADI32": "LOADI32\tR{a}\t{i32}\t{lv_a}",
    "LOADSYM": "LOADSYM\tR{a}\t:{sb}\t{lv_a}",
    "LOADNIL": "LOADNIL\tR{a}\t\t{lv_a}",
    "LOADSELF": "LOADSELF\tR{a}\t\t{lv_a}",
    "LOADT": "LOADT\t\tR{a}\t\t{lv_a}",
    "LOADF": "LOADF\t\tR{a}\t\t{lv_a}",
    "GETGV": "GETGV\t\tR{a}\t{sb}\t{lv_a}",
    "SETGV": "SETGV\t\t{sb}\tR{a}\t{lv_a}",
    "GETSV": "GETSV\t\tR{a}\t{sb}\t{lv_a}",
    "SETSV": "SETSV\t\t{sb}\tR{a}\t{lv_a}",
    "GETIV": "GETIV\t\tR{a}\t{sb}\t{lv_a}",
    "SETIV": "SETIV\t\t{sb}\tR{a}\t{lv_a}",
    "GETCV": "GETCV\t\tR{a}\t{sb}\t{lv_a}",
    "SETCV": "SETCV\t\t{sb}\tR{a}\t{lv_a}",
    "GETCONST": "GETCONST\tR{a}\t{sb}\t{lv_a}",
    "SETCONST": "SETCONST\t{sb}\tR{a}\t{lv_a}",
    "GETMCNST": "GETMCNST\tR{a}\tR{a}::{sb}\t{lv_a}",
    "SETMCNST": "SETMCNST\tR{a1}::{sb}\tR{a}\t{lv_a}",
    "GETUPVAR": "GETUPVAR\tR{a}\t{b}\t{c}\t{lv_a}",
    "SETUPVAR": "SETUPVAR\tR{a}\t{b}\t{c}\t{lv_a}",
    "GETIDX": "GETIDX\tR{a}\tR{a1}\n",
    "SETIDX": "SETIDX\tR{a}\tR{a1}\tR{a2}\n",
    "JMP": "JMP\t\t{ja}\n",
    "JMPIF": "JMPIF\t\tR{a}\t{jb}\t{lv_a}",
    "JMPNOT": "JMPNOT\tR{a}\t{jb}\t{lv_a}",
    "JMPNIL": "JMPNIL\tR{a}\t{jb}\t{lv_a}",
    "JMPUW": "JMPUW\t\t{ja}\n",
    "EXCEPT": "EXCEPT\tR{a}\t\t{lv_a}",
    "RESCUE": "RESCUE\tR{a}\tR{b}{lv_ab}",
    "RAISEIF": "RAISEIF\tR{a}\t\t{lv_a}",
    "SSEND": "SSEND\t\tR{a}\t:{sb}\t{nc}",
    "SSENDB": "SSENDB\tR{a}\t:{sb}\t{nc}",
    "SEND": "SEND\t\tR{a}\t:{sb}\t{nc}",
    "SENDB": "SENDB\t\tR{a}\t:{sb}\t{nc}",
    "CALL": "CALL\n",
    "SUPER": "SUPER\t\tR{a}\t{nb}",
    "ARGARY": "ARGARY\tR{a}\t{bspec}\t{lv_a}",
    "ENTER": "ENTER\t\t{aspec} (0x{ax})\n",
    "KEY_P": "KEY_P\t\tR{a}\t:{sb}\t{lv_a}",
    "KEYEND": "KEYEND\n",
    "KARG": "KARG\t\tR{a}\t:{sb}\t{lv_a}",
    "RETURN": "RETURN\tR{a}\t\t{lv_a}",
    "RETURN_BLK": "RETURN_BLK\tR{a}\t\t{lv_a}",
    "BREAK": "BREAK\t\tR{a}\t\t{lv_a}",
    "BLKPUSH": "BLKPUSH\tR{a}\t{bspec}\t{lv_a}",
    "ADD": "ADD\t\tR{a}\tR{a1}\n",
    "ADDI": "ADDI\t\tR{a}\t{b}\t{lv_a}",
    "SUB": "SUB\t\tR{a}\tR{a1}\n",
    "SUBI": "SUBI\t\tR{a}\t{b}\t{lv_a}",
    "MUL": "MUL\t\tR{a}\tR{a1}\n",
    "DIV": "DIV\t\tR{a}\tR{a1}\n",
    "EQ": "EQ\t\tR{a}\tR{a1}\n",
    "LT": "LT\t\tR{a}\tR{a1}\n",
    "LE": "LE\t\tR{a}\tR{a1}\n",
    "GT": "GT\t\tR{a}\tR{a1}\n",
    "GE": "GE\t\tR{a}\tR{a1}\n",
    "ARRAY": "ARRAY\t\tR{a}\tR{a}\t{b}{lv_a}",
    "ARRAY2": "ARRAY\t\tR{a}\tR{b}\t{c}{lv_ab}",
    "ARYCAT": "ARYCAT\tR{a}\tR{a1}\t{lv_a}",
    "ARYPUSH": "ARYPUSH\tR{a}\t{b}\t{lv_a}",
    "ARYDUP": "ARYDUP\tR{a}\t{lv_a}",
    "AREF": "AREF\t\tR{a}\tR{b}\t{c}{lv_ab}",
    "ASET": "ASET\t\tR{a}\tR{b}\t{c}{lv_ab}",
    "APOST": "APOST\t\tR{a}\t{b}\t{c}{lv_a}",
    "INTERN": "INTERN\tR{a}\t\t{lv_a}",
    "SYMBOL": "SYMBOL\tR{a}\tL({b})\t; {pb}{lv_a}",
    "STRING": "STRING\tR{a}\tL({b})\t{sv_b}{lv_a}",
    "STRCAT": "STRCAT\tR{a}\tR{a1}{lv_a}",
    "HASH": "HASH\t\tR{a}\t{b}\t{lv_a}",
    "HASHADD": "HASHADD\tR{a}\t{b}\t{lv_a}",
    "HASHCAT": "HASHCAT\tR{a}\t{lv_a}",
    "LAMBDA": "LAMBDA\tR{a}\tI({b}:{rb})\n",
    "BLOCK": "BLOCK\t\tR{a}\tI({b}:{rb})\n",
    "METHOD": "METHOD\tR{a}\tI({b}:{rb})\n",
    "RANGE_INC": "RANGE_INC\tR{a}\n",
    "RANGE_EXC": "RANGE_EXC\tR{a}\n",
    "OCLASS": "OCLASS\tR{a}\t\t{lv_a}",
    "CLASS": "CLASS\t\tR{a}\t:{sb}{lv_a}",
    "MODULE": "MODULE\tR{a}\t:{sb}{lv_a}",
    "EXEC": "EXEC\t\tR{a}\tI({b}:{rb}){lv_a}",
    "DEF": "DEF\t\tR{a}\t:{sb}\n",
    "ALIAS": "ALIAS\t\t:{sa}\t{sb_alias}\n",
    "UNDEF": "UNDEF\t\t:{sa}\n",
    "SCLASS": "SCLASS\t\tR{a}\t{lv_a}",
    "TCLASS": "TCLASS\tR{a}\t\t{lv_a}",
    "DEBUG": "DEBUG\t\t{a}\t{b}\t{c}\n",
    "ERR": _err("ERR\t\t", "ERR\t", "L(%d)"),
    "STOP": "STOP\n",
}

# mruby 3.4.0 src/codedump.c: what changed since 3.1
_T34_CHANGES: dict[str, Template] = {
    "LOADL": "LOADL\t\tR{a}\tL[{b}]\t{pv_b}{lv_a}",
    "LOADI": "LOADI8\tR{a}\t{b}\t{lv_a}",
    "LOADINEG": "LOADINEG\tR{a}\t-{b}\t{lv_a}",
    "LOADI__1": "LOADI__1\tR{a}\t(-1)\t{lv_a}",
    **{f"LOADI_{n}": "LOADI_{n}\tR{a}\t({n})\t{lv_a}" for n in range(8)},
    "LOADNIL": "LOADNIL\tR{a}\t(nil)\t{lv_a}",
    "LOADSELF": "LOADSELF\tR{a}\t(R0)\t{lv_a}",
    "LOADT": "LOADT\t\tR{a}\t(true)\t{lv_a}",
    "LOADF": "LOADF\t\tR{a}\t(false)\t{lv_a}",
    "LAMBDA": "LAMBDA\tR{a}\tI[{b}]\n",
    "BLOCK": "BLOCK\t\tR{a}\tI[{b}]\n",
    "METHOD": "METHOD\tR{a}\tI[{b}]\n",
    "DEF": "DEF\t\tR{a}\t:{sb}\t(R{a1})\n",
    "ARYDUP": "ARYSPLAT\tR{a}\t{lv_a}",
    "SYMBOL": "SYMBOL\tR{a}\tL[{b}]\t; {pb}{lv_a}",
    "STRING": "STRING\tR{a}\tL[{b}]\t; {pb}{lv_a}",
    "STRCAT": "STRCAT\tR{a}\tR{a1}\t{lv_a}",
    "HASHCAT": "HASHCAT\tR{a}\tR{a1}\t{lv_a}",
    "EXEC": "EXEC\t\tR{a}\tI[{b}]{lv_a}",
    "SCLASS": "SCLASS\tR{a}\t{lv_a}",
    "ERR": _err("ERR\t\t", "ERR\t", "L[%d]"),
}
_T34 = {**_T31, **_T34_CHANGES}

# mruby 4.0.0 src/codedump.c: what changed since 3.4 (RITE0400 renames
# LOADI8/LOADT/LOADF/ARYDUP, adds opcodes, and drops most trailing tabs)
_T40_CHANGES: dict[str, Template] = {
    "MOVE": "MOVE\t\tR{a}\tR{b}{lv_ab}",
    "LOADL": "LOADL\t\tR{a}\tL[{b}]{tpv_b}{lv_a}",
    "LOADI8": "LOADI8\tR{a}\t{b}{lv_a}",
    "LOADINEG": "LOADINEG\tR{a}\t-{b}{lv_a}",
    "LOADI__1": "LOADI__1\tR{a}\t(-1){lv_a}",
    **{f"LOADI_{n}": "LOADI_{n}\tR{a}\t({n}){lv_a}" for n in range(8)},
    "LOADI16": "LOADI16\tR{a}\t{b16}{lv_a}",
    "LOADI32": "LOADI32\tR{a}\t{i32}{lv_a}",
    "LOADSYM": "LOADSYM\tR{a}\t:{sb}{lv_a}",
    "LOADNIL": "LOADNIL\tR{a}\t(nil){lv_a}",
    "LOADSELF": "LOADSELF\tR{a}\t(R0){lv_a}",
    "LOADTRUE": "LOADTRUE\tR{a}\t(true){lv_a}",
    "LOADFALSE": "LOADFALSE\tR{a}\t(false){lv_a}",
    "GETGV": "GETGV\t\tR{a}\t{sb}{lv_a}",
    "SETGV": "SETGV\t\t{sb}\tR{a}{lv_a}",
    "GETSV": "GETSV\t\tR{a}\t{sb}{lv_a}",
    "SETSV": "SETSV\t\t{sb}\tR{a}{lv_a}",
    "GETIV": "GETIV\t\tR{a}\t{sb}{lv_a}",
    "SETIV": "SETIV\t\t{sb}\tR{a}{lv_a}",
    "GETCV": "GETCV\t\tR{a}\t{sb}{lv_a}",
    "SETCV": "SETCV\t\t{sb}\tR{a}{lv_a}",
    "GETCONST": "GETCONST\tR{a}\t{sb}{lv_a}",
    "SETCONST": "SETCONST\t{sb}\tR{a}{lv_a}",
    "GETMCNST": "GETMCNST\tR{a}\t(R{a})::{sb}{lv_a}",
    "SETMCNST": "SETMCNST\t(R{a1})::{sb}\tR{a}{lv_a}",
    "GETUPVAR": "GETUPVAR\tR{a}\t{b}\t{c}{lv_a}",
    "SETUPVAR": "SETUPVAR\tR{a}\t{b}\t{c}{lv_a}",
    "GETIDX": "GETIDX\tR{a}\t(R{a1})\n",
    "GETIDX0": "GETIDX0\tR{a}\tR{b}[0]\n",
    "SETIDX": "SETIDX\tR{a}\t(R{a1})\t(R{a2})\n",
    "JMPIF": "JMPIF\t\tR{a}\t{jb}{lv_a}",
    "JMPNOT": "JMPNOT\tR{a}\t{jb}{lv_a}",
    "JMPNIL": "JMPNIL\tR{a}\t{jb}{lv_a}",
    "EXCEPT": "EXCEPT\tR{a}\t{lv_a}",
    "RAISEIF": "RAISEIF\tR{a}\t{lv_a}",
    "MATCHERR": "MATCHERR\tR{a}\n",
    "SSEND0": "SSEND0\tR{a}\t:{sb}\n",
    "SEND0": "SEND0\t\tR{a}\t:{sb}\n",
    "BLKCALL": "BLKCALL\t\tR{a}\t{b}\n",
    "ARGARY": "ARGARY\tR{a}\t{bspec}{lv_a}",
    "KEY_P": "KEY_P\t\tR{a}\t:{sb}{lv_a}",
    "KARG": "KARG\t\tR{a}\t:{sb}{lv_a}",
    "RETURN": "RETURN\tR{a}\t{lv_a}",
    "RETURN_BLK": "RETURN_BLK\tR{a}\t{lv_a}",
    "RETSELF": "RETSELF\n",
    "RETNIL": "RETNIL\n",
    "RETTRUE": "RETTRUE\n",
    "RETFALSE": "RETFALSE\n",
    "BREAK": "BREAK\t\tR{a}\t{lv_a}",
    "BLKPUSH": "BLKPUSH\tR{a}\t{bspec}{lv_a}",
    "ADD": "ADD\t\tR{a}\t(R{a1})\n",
    "ADDI": "ADDI\t\tR{a}\t{b}{lv_a}",
    "SUB": "SUB\t\tR{a}\t(R{a1})\n",
    "SUBI": "SUBI\t\tR{a}\t{b}{lv_a}",
    "ADDILV": "ADDILV\tR{a}\tR{b}\t{c}{lv_a}",
    "SUBILV": "SUBILV\tR{a}\tR{b}\t{c}{lv_a}",
    "MUL": "MUL\t\tR{a}\t(R{a1})\n",
    "DIV": "DIV\t\tR{a}\t(R{a1})\n",
    "EQ": "EQ\t\tR{a}\t(R{a1})\n",
    "LT": "LT\t\tR{a}\t(R{a1})\n",
    "LE": "LE\t\tR{a}\t(R{a1})\n",
    "GT": "GT\t\tR{a}\t(R{a1})\n",
    "GE": "GE\t\tR{a}\t(R{a1})\n",
    "ARRAY": "ARRAY\t\tR{a}\t{b}{lv_a}",
    "ARYCAT": "ARYCAT\tR{a}\t(R{a1}){lv_a}",
    "ARYPUSH": "ARYPUSH\tR{a}\t{b}{lv_a}",
    "ARYSPLAT": "ARYSPLAT\tR{a}{lv_a}",
    "INTERN": "INTERN\tR{a}\t{lv_a}",
    "STRING": "STRING\tR{a}\tL[{b}]{tsv_b}{lv_a}",
    "STRCAT": "STRCAT\tR{a}\t(R{a1}){lv_a}",
    "HASH": "HASH\t\tR{a}\t{b}{lv_a}",
    "HASHADD": "HASHADD\tR{a}\t{b}{lv_a}",
    "HASHCAT": "HASHCAT\tR{a}\t(R{a1}){lv_a}",
    "OCLASS": "OCLASS\tR{a}\t{lv_a}",
    "SCLASS": "SCLASS\tR{a}{lv_a}",
    "TCLASS": "TCLASS\tR{a}\t{lv_a}",
    "TDEF": "TDEF\t\tR{a}\t:{sb}\tI[{c}]\n",
    "SDEF": "SDEF\t\tR{a}\t:{sb}\tI[{c}]\n",
}
_T40 = {k: v for k, v in _T34.items() if k not in ("LOADI", "LOADT", "LOADF", "ARYDUP")}
_T40.update(_T40_CHANGES)

# mruby 3.0.0 src/codedump.c: every name is OP_-prefixed, the 16-bit index
# variants print as their 8-bit twin, and SENDVK and EXEC16 have no case.
_T30: dict[str, Template] = {
    "NOP": "OP_NOP\n",
    "MOVE": "OP_MOVE\tR{a}\tR{b}\t{lv_ab}",
    "LOADL": "OP_LOADL\tR{a}\tL({b})\t{pv_b}{lv_a}",
    "LOADL16": "OP_LOADL\tR{a}\tL({b})\t{pv_b}{lv_a}",
    "LOADI": "OP_LOADI\tR{a}\t{b}\t{lv_a}",
    "LOADINEG": "OP_LOADI\tR{a}\t-{b}\t{lv_a}",
    "LOADI__1": "OP_LOADI__1\tR{a}\t\t{lv_a}",
    **{f"LOADI_{n}": "OP_LOADI_{n}\tR{a}\t\t{lv_a}" for n in range(8)},
    "LOADI16": "OP_LOADI16\tR{a}\t{b16}\t{lv_a}",
    "LOADI32": "OP_LOADI32\tR{a}\t{i32}\t{lv_a}",
    "LOADSYM": "OP_LOADSYM\tR{a}\t:{sb}\t{lv_a}",
    "LOADSYM16": "OP_LOADSYM\tR{a}\t:{sb}\t{lv_a}",
    "LOADNIL": "OP_LOADNIL\tR{a}\t\t{lv_a}",
    "LOADSELF": "OP_LOADSELF\tR{a}\t\t{lv_a}",
    "LOADT": "OP_LOADT\tR{a}\t\t{lv_a}",
    "LOADF": "OP_LOADF\tR{a}\t\t{lv_a}",
    "GETGV": "OP_GETGV\tR{a}\t:{sb}{lv_a}",
    "SETGV": "OP_SETGV\t:{sb}\tR{a}{lv_a}",
    "GETSV": "OP_GETSV\tR{a}\t:{sb}{lv_a}",
    "SETSV": "OP_SETSV\t:{sb}\tR{a}{lv_a}",
    "GETIV": "OP_GETIV\tR{a}\t{sb}{lv_a}",
    "SETIV": "OP_SETIV\t{sb}\tR{a}{lv_a}",
    "GETCV": "OP_GETCV\tR{a}\t{sb}{lv_a}",
    "SETCV": "OP_SETCV\t{sb}\tR{a}{lv_a}",
    "GETCONST": "OP_GETCONST\tR{a}\t:{sb}{lv_a}",
    "SETCONST": "OP_SETCONST\t:{sb}\tR{a}{lv_a}",
    "GETMCNST": "OP_GETMCNST\tR{a}\tR{a}::{sb}{lv_a}",
    "SETMCNST": "OP_SETMCNST\tR{a1}::{sb}\tR{a}{lv_a}",
    "GETUPVAR": "OP_GETUPVAR\tR{a}\t{b}\t{c}{lv_a}",
    "SETUPVAR": "OP_SETUPVAR\tR{a}\t{b}\t{c}{lv_a}",
    "JMP": "OP_JMP\t\t{ja}\n",
    "JMPIF": "OP_JMPIF\tR{a}\t{jb}\t{lv_a}",
    "JMPNOT": "OP_JMPNOT\tR{a}\t{jb}\t{lv_a}",
    "JMPNIL": "OP_JMPNIL\tR{a}\t{jb}\t{lv_a}",
    "JMPUW": "OP_JMPUW\t\t{ja}\n",
    "EXCEPT": "OP_EXCEPT\tR{a}\t\t{lv_a}",
    "RESCUE": "OP_RESCUE\tR{a}\tR{b}{lv_ab}",
    "RAISEIF": "OP_RAISEIF\tR{a}\t\t{lv_a}",
    "SENDV": "OP_SENDV\tR{a}\t:{sb}\n",
    "SENDVB": "OP_SENDVB\tR{a}\t:{sb}\n",
    "SEND": "OP_SEND\tR{a}\t:{sb}\t{c}\n",
    "SENDB": "OP_SENDB\tR{a}\t:{sb}\t{c}\n",
    "SENDVK": None,
    "CALL": "OP_CALL\n",
    "SUPER": "OP_SUPER\tR{a}\t{b}\n",
    "ARGARY": "OP_ARGARY\tR{a}\t{bspec}{lv_a}",
    "ENTER": "OP_ENTER\t{aspec}\n",
    "KEY_P": "OP_KEY_P\tR{a}\t:{sb}\t{lv_a}",
    "KEYEND": "OP_KEYEND\n",
    "KARG": "OP_KARG\tR{a}\t:{sb}\t{lv_a}",
    "RETURN": "OP_RETURN\tR{a}\t\t{lv_a}",
    "RETURN_BLK": "OP_RETURN_BLK\tR{a}\t\t{lv_a}",
    "BREAK": "OP_BREAK\tR{a}\t\t{lv_a}",
    "BLKPUSH": "OP_BLKPUSH\tR{a}\t{bspec}{lv_a}",
    "ADD": "OP_ADD\tR{a}\tR{a1}\n",
    "ADDI": "OP_ADDI\tR{a}\t{b}\n",
    "SUB": "OP_SUB\tR{a}\tR{a1}\n",
    "SUBI": "OP_SUBI\tR{a}\t{b}\n",
    "MUL": "OP_MUL\tR{a}\tR{a1}\n",
    "DIV": "OP_DIV\tR{a}\tR{a1}\n",
    "EQ": "OP_EQ\t\tR{a}\tR{a1}\n",
    "LT": "OP_LT\t\tR{a}\tR{a1}\n",
    "LE": "OP_LE\t\tR{a}\tR{a1}\n",
    "GT": "OP_GT\t\tR{a}\tR{a1}\n",
    "GE": "OP_GE\t\tR{a}\tR{a1}\n",
    "ARRAY": "OP_ARRAY\tR{a}\t{b}\t{lv_a}",
    "ARRAY2": "OP_ARRAY\tR{a}\tR{b}\t{c}\t{lv_ab}",
    "ARYCAT": "OP_ARYCAT\tR{a}\t{lv_a}",
    "ARYPUSH": "OP_ARYPUSH\tR{a}\t{lv_a}",
    "ARYDUP": "OP_ARYDUP\tR{a}\t{lv_a}",
    "AREF": "OP_AREF\tR{a}\tR{b}\t{c}{lv_ab}",
    "ASET": "OP_ASET\tR{a}\tR{b}\t{c}{lv_ab}",
    "APOST": "OP_APOST\tR{a}\t{b}\t{c}{lv_a}",
    "INTERN": "OP_INTERN\tR{a}{lv_a}",
    "STRING": "OP_STRING\tR{a}\tL({b})\t{sv_b}{lv_a}",
    "STRING16": "OP_STRING\tR{a}\tL({b})\t{sv_b}{lv_a}",
    "STRCAT": "OP_STRCAT\tR{a}\t{lv_a}",
    "HASH": "OP_HASH\tR{a}\t{b}\t{lv_a}",
    "HASHADD": "OP_HASHADD\tR{a}\t{b}\t{lv_a}",
    "HASHCAT": "OP_HASHCAT\tR{a}\t{lv_a}",
    "LAMBDA": "OP_LAMBDA\tR{a}\tI({b}:{rb})\n",
    "LAMBDA16": "OP_LAMBDA\tR{a}\tI({b}:{rb})\n",
    "BLOCK": "OP_BLOCK\tR{a}\tI({b}:{rb})\n",
    "BLOCK16": "OP_BLOCK\tR{a}\tI({b}:{rb})\n",
    "METHOD": "OP_METHOD\tR{a}\tI({b}:{rb})\n",
    "METHOD16": "OP_METHOD\tR{a}\tI({b}:{rb})\n",
    "RANGE_INC": "OP_RANGE_INC\tR{a}\n",
    "RANGE_EXC": "OP_RANGE_EXC\tR{a}\n",
    "OCLASS": "OP_OCLASS\tR{a}\t\t{lv_a}",
    "CLASS": "OP_CLASS\tR{a}\t:{sb}{lv_a}",
    "MODULE": "OP_MODULE\tR{a}\t:{sb}{lv_a}",
    "EXEC": "OP_EXEC\tR{a}\tI({b}:{rb}){lv_a}",
    "EXEC16": None,
    "DEF": "OP_DEF\tR{a}\t:{sb}\n",
    "ALIAS": "OP_ALIAS\t:{sa}\t{sb_alias}\n",
    "UNDEF": "OP_UNDEF\t:{sa}\n",
    "SCLASS": "OP_SCLASS\tR{a}\t{lv_a}",
    "TCLASS": "OP_TCLASS\tR{a}\t\t{lv_a}",
    "DEBUG": "OP_DEBUG\t{a}\t{b}\t{c}\n",
    "ERR": _err("OP_ERR\t", "OP_ERR\t", "L(%d)"),
    "STOP": "OP_STOP\n",
}

_PACKED_ONLY = frozenset({"packed"})

DIALECTS: dict[str, Dialect] = {
    "3.0": Dialect("3.0", _T30, header_ilen="iseq", unknown="OP_unknown (0x%x)\n",
                   line_types=frozenset({"ary", "flat"}), int64_typed=False),
    "3.1": Dialect("3.1", _T31),
    "3.4": Dialect("3.4", _T34, lv_header_always=False, print_args=_args_34,
                   line_types=_PACKED_ONLY),
    "4.0": Dialect("4.0", _T40, lv_header_always=False, print_args=_args_34,
                   lv_a=_lv_a_4, lv_ab=_lv_ab_4, aspec_noblock=True, line_types=_PACKED_ONLY),
}


def release_for(format_version: str, release: str | None = None) -> str:
    """The dialect for a file: ``release`` if it is one of the format's
    dialects (``RiteVersion.dialects``), else the format's default (the first)."""
    spec = VERSIONS.get(format_version)
    if spec is None or not spec.dialects:
        raise RiteError(f"no listing format for RITE{format_version}")
    if release is not None and release in spec.dialects:
        return release
    return spec.dialects[0]


# --------------------------------------------------------------------------
# The listing

_ADDRESS_BASE = 0x55D5C0DE0000
_ADDRESS_STEP = 0x70


class _IrepContext:
    """One irep being listed, with what its templates need to look up."""

    def __init__(self, irep: Irep, dialect: Dialect, addresses: dict[int, str]):
        self.irep = irep
        self.dialect = dialect
        self.table = table_for(irep.format_version)
        self.addresses = addresses
        # mruby keeps irep->lv only when the LVAR section named nlocals-1 > 0 slots
        self.lvars = irep.lvars if (irep.lvars is not None and irep.nlocals > 1) else None

    def sym(self, i: int) -> str:
        syms = self.irep.syms
        return sym_dump(syms[i]) if 0 <= i < len(syms) else "(null)"

    def _pool(self, i: int):
        pool = self.irep.pool
        return pool[i] if 0 <= i < len(pool) else None

    def pool_is_number(self, i: int) -> bool:
        p = self._pool(i)
        return p is not None and _num_tag(p.tag)

    def pool_text(self, i: int) -> str:
        """u.str of a string entry, printed with %s."""
        p = self._pool(i)
        if p is None or _num_tag(p.tag):
            return ""
        v = p.value
        return _c_text(v if isinstance(v, bytes) else str(v).encode("utf-8", "surrogateescape"))

    def pool_number(self, i: int) -> str | None:
        """LOADL's value text, or None where codedump's switch takes its default."""
        p = self._pool(i)
        if p is None:
            return None
        if p.tag == POOL_FLOAT:
            return _c_float(float(p.value))
        if p.tag == POOL_INT32:
            return "%d" % _s32(int(p.value))
        if p.tag == POOL_INT64:
            # mruby 3.0's loader never sets the type of an INT64 entry
            return "%d" % int(p.value) if self.dialect.int64_typed else None
        return None

    def rep_address(self, i: int) -> str:
        reps = self.irep.reps
        return self.addresses[id(reps[i])] if 0 <= i < len(reps) else "(nil)"


def _walk_with_addresses(rite: RiteFile):
    ireps = list(rite.ireps())
    addresses = {id(irep): "0x%x" % (_ADDRESS_BASE + _ADDRESS_STEP * n)
                 for n, irep in enumerate(ireps)}
    return ireps, addresses


def _header(irep: Irep, ctx: _IrepContext) -> str:
    d = ctx.dialect
    return ("irep %s nregs=%d nlocals=%d pools=%d syms=%d reps=%d %s=%d\n"
            % (ctx.addresses[id(irep)], irep.nregs, irep.nlocals, len(irep.pool),
               len(irep.syms), len(irep.reps), d.header_ilen, irep.ilen))


def _lvar_lines(ctx: _IrepContext) -> str:
    if ctx.lvars is None:
        return ""
    lines = []
    for i in range(1, ctx.irep.nlocals):
        name = ctx.lvars[i - 1] if i - 1 < len(ctx.lvars) else None
        if name is None:
            if ctx.dialect.lv_header_always:
                lines.append("  R%d:\n" % i)
            continue
        lines.append("  R%d:%s\n" % (i, sym_dump(name)))
    if not lines and not ctx.dialect.lv_header_always:
        return ""
    return "local variable names:\n" + "".join(lines)


def _handler_type(t: int) -> str:
    if t == CATCH_RESCUE:
        return "rescue"
    if t == CATCH_ENSURE:
        return "ensure"
    return "0x%02x <unknown>" % t


def _handler_lines(irep: Irep) -> str:
    return "".join("catch type: %-8s begin: %04d end: %04d target: %04d\n"
                   % (_handler_type(h.type), h.begin, h.end, h.target)
                   for h in irep.handlers)


def _pc_header(irep: Irep, pc: int, dialect: Dialect) -> str:
    line = mrb_debug_get_line(irep, pc, dialect.line_types)
    return ("      " if line < 0 else "%5d " % line) + "%03d " % pc


def _instruction_text(ctx: _IrepContext, ins: Instruction) -> str | None:
    """The text after the line/pc columns, newline included; None: no print case."""
    tmpl = ctx.dialect.templates.get(ins.name)
    if tmpl is None:
        return None
    fields = _Fields(ctx, ins)
    if callable(tmpl):
        return tmpl(fields)
    return tmpl.format_map(fields)


def _listed_instructions(irep: Irep, dialect: Dialect):
    """Yield the instructions in the order codedump() prints them.

    An opcode the release has no print case for makes mruby print
    ``unknown`` and read the next byte as an opcode: re-decode from there.
    """
    instructions = irep.instructions
    k = 0
    while k < len(instructions):
        ins = instructions[k]
        yield ins
        if dialect.templates.get(ins.name) is None and ins.size > 1:
            try:
                instructions = instructions[:k + 1] + _decode_tail(irep, ins.pc + 1)
            except DecodeError:
                pass        # the bytes do not decode from there: keep the true stream
        k += 1


def _decode_tail(irep: Irep, start: int) -> list[Instruction]:
    """Decode ``irep``'s iseq from byte ``start`` on (pcs stay absolute)."""
    from .decode import decode_iseq
    sub = Irep(nlocals=irep.nlocals, nregs=irep.nregs, iseq=irep.iseq[start:],
               path=irep.path, format_version=irep.format_version)
    out = []
    for ins in decode_iseq(sub):
        ins.pc += start
        out.append(ins)
    return out


def _irep_listing(irep: Irep, ctx: _IrepContext) -> str:
    d = ctx.dialect
    out = [_header(irep, ctx), _lvar_lines(ctx), _handler_lines(irep)]
    file = None
    ext_names = ("EXT1", "EXT2", "EXT3")
    for ins in _listed_instructions(irep, d):
        start = ins.start
        next_file = mrb_debug_get_filename(irep, start)
        # codedump compares the name pointers: every inline name is mrb->symbuf
        key = "\0symbuf" if _inline_symbol_p(next_file) else next_file
        if next_file is not None and key != file:
            out.append("file: %s\n" % next_file)
            file = key
        out.append(_pc_header(irep, start, d))
        if ins.ext in ext_names:
            out.append(ins.ext + "\n")
            out.append(_pc_header(irep, ins.pc, d))
        text = _instruction_text(ctx, ins)
        if text is None:
            text = d.unknown % ins.opcode
        out.append(text)
    out.append("\n")
    return "".join(out)


def listing(rite: RiteFile, release: str | None = None) -> str:
    """What ``mruby -v -b`` prints of the loaded file, irep addresses aside.

    ``release`` picks among the dialects of the file's format (only RITE0300
    has a choice: "3.1", the default, or "3.4"); None is the default.
    """
    dialect = DIALECTS[release_for(rite.format_version, release)]
    ireps, addresses = _walk_with_addresses(rite)
    return "".join(_irep_listing(irep, _IrepContext(irep, dialect, addresses))
                   for irep in ireps)


# --------------------------------------------------------------------------
# JSON

def _json_pool(p) -> dict:
    v = p.value
    if isinstance(v, bytes):
        v = v.decode("utf-8", "surrogateescape")
    elif isinstance(v, float) and not math.isfinite(v):
        v = repr(v)
    return {"tag": p.tag, "value": v}


def _operands(ins: Instruction) -> dict:
    names = ("a", "b", "c")
    from .opcodes import LAYOUTS
    n = len(LAYOUTS[ins.layout])
    return {names[i]: getattr(ins, names[i]) for i in range(n)}


def listing_json(rite: RiteFile, release: str | None = None) -> dict:
    """The listing's content as plain data (json.dump-able).

    Each instruction carries its ``text``: the listing column after the pc,
    in the dialect of ``release`` (by default the format's default release).
    """
    rel = release_for(rite.format_version, release)
    dialect = DIALECTS[rel]
    ireps, addresses = _walk_with_addresses(rite)
    h = rite.header
    out = {
        "header": {"ident": h.ident, "format_version": h.format_version, "size": h.size,
                   "compiler_name": h.compiler_name, "compiler_version": h.compiler_version},
        "release": rel,
        "sections": [{"ident": s.ident, "offset": s.offset, "size": s.size}
                     for s in rite.sections],
        "ireps": [],
    }
    for index, irep in enumerate(ireps):
        ctx = _IrepContext(irep, dialect, addresses)
        instructions = []
        for ins in _listed_instructions(irep, dialect):
            text = _instruction_text(ctx, ins)
            if text is None:
                text = dialect.unknown % ins.opcode
            line = mrb_debug_get_line(irep, ins.pc, dialect.line_types)
            instructions.append({
                "pc": ins.pc,
                "start": ins.start,
                "size": ins.size,
                "line": None if line < 0 else line,
                "file": mrb_debug_get_filename(irep, ins.pc),
                "opcode": ins.opcode,
                "name": ins.name,
                "operands": _operands(ins),
                "ext": ins.ext,
                "text": text.rstrip("\n"),
            })
        out["ireps"].append({
            "index": index,
            "path": list(irep.path),
            "address": addresses[id(irep)],
            "nregs": irep.nregs,
            "nlocals": irep.nlocals,
            "ilen": irep.ilen,
            "lvars": (None if irep.lvars is None else
                      [None if n is None else _sym_bytes(n).decode("utf-8", "surrogateescape")
                       for n in irep.lvars]),
            "pool": [_json_pool(p) for p in irep.pool],
            "syms": [None if s is None else _sym_bytes(s).decode("utf-8", "surrogateescape")
                     for s in irep.syms],
            "reps": [list(r.path) for r in irep.reps],
            "handlers": [{"type": _handler_type(c.type), "begin": c.begin, "end": c.end,
                          "target": c.target} for c in irep.handlers],
            "instructions": instructions,
        })
    return out
