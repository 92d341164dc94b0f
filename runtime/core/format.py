"""Kernel#format / Kernel#sprintf / String#%, written after mruby 3.1's
C sources.

* ``format_string(vm, fmt_bytes, args) -> bytes`` is ``mrb_str_format``
  (mruby-sprintf): flags, width, precision, ``*``, ``n$``, ``%<name>``,
  ``%{name}`` and the ArgumentError messages of mruby 3.1.
* Floats are printed by ``fmtfp.format_float`` (``mrb_format_float``,
  src/fmt_fp.c); ``float_to_s`` (``mrb_float_to_str``, Float#to_s) is
  imported from there too, and other modules still find it here.
"""

from __future__ import annotations

import math

from runtime import abi
from runtime.core.fmtfp import FP31, float_to_s, format_float  # noqa: F401  (complex.py's float_to_s)
from runtime.core.string import str_len_to_integer
from runtime.defs import method, module_function

# --------------------------------------------------------------------------
# integer to text

_DIGITMAP = "0123456789abcdefghijklmnopqrstuvwxyz"


def int_to_str(n: int, base: int) -> str:
    """mrb_int_to_cstr (signed, any base 2..36)."""
    if n == 0:
        return "0"
    neg = n < 0
    n = -n if neg else n
    out = []
    while n:
        n, r = divmod(n, base)
        out.append(_DIGITMAP[r])
    if neg:
        out.append("-")
    return "".join(reversed(out))


def uint_to_cstr(num: int, base: int) -> str:
    """mruby-sprintf's mrb_uint_to_cstr: the 64-bit two's complement digits
    of a negative, its leading sign digits removed (remove_sign_bits)."""
    if num == 0:
        return "0"
    shift = {16: 4, 8: 3, 2: 1}[base]
    val = num & abi.MASK64
    mask = base - 1
    out = []
    while True:
        out.append(_DIGITMAP[val & mask])
        val >>= shift
        if not val:
            break
    t = "".join(reversed(out))
    if num < 0:
        if base == 16:
            t = t.lstrip("f")
        elif base == 8:
            n = len(t)
            sh = (3 * n) % 64
            ext = ((0xFFFFFFF8 >> sh) & 7) if sh < 32 else 0
            t = chr(ord(t[0]) | ext) + t[1:]
            t = t.lstrip("7")
        elif base == 2:
            t = t.lstrip("1")
    return t


def _uint_to_str(num: int, base: int) -> str:
    """mrb_uint_to_cstr as 3.1 printed it: a negative's digits start with
    one sign digit."""
    t = uint_to_cstr(num, base)
    d = {16: "f", 8: "7", 2: "1"}[base]
    if num < 0 and (not t or t[0] != d):
        t = d + t
    return t


# --------------------------------------------------------------------------
# mrb_str_format

FNONE = 0
FSHARP = 1
FMINUS = 2
FPLUS = 4
FZERO = 8
FSPACE = 16
FWIDTH = 32
FPREC = 64
FPREC0 = 128

_INT_MAX = (1 << 31) - 1


def _bit_digits(n: int) -> int:
    return (n * 146) // 485 + 1


class SprintfRules:
    """What mrb_str_format does differently from release to release; this
    is mruby 3.1's (runtime/dialects/mruby40/core/sprintf.py: 4.0's)."""
    #: a ``%`` at the very end raises (3.1 printed it)
    trailing_percent = False
    #: a spec cut off by the end raises (3.1 read the NUL after it as ``%``)
    unexpected_end = False
    #: GETNUM's message: ``width too big 1``
    too_big = "{} too big 1"
    #: mrb_format_float's differences (runtime/core/fmtfp.py)
    fp = FP31

    @staticmethod
    def format_int(vm, out: bytearray, c: str, flags: int, width: int, prec: int,
                   val: int) -> None:
        _format_int(vm, out, c, flags, width, prec, val)


RULES31 = SprintfRules()


def _fmt_float_field(fmtc: str, flags: int, width: int, prec: int, f: float, need: int,
                     fp=FP31) -> str:
    """mruby-sprintf's fmt_float: format then pad (bugs included)."""
    sign = ""
    if flags & FPLUS:
        sign = "+"
    if flags & FSPACE:
        sign = " "
    left_align = bool(flags & FMINUS)
    zero_pad = bool(flags & FZERO)
    buf = list(format_float(f, fmtc, prec, sign, bool(flags & FSHARP), need, fp))
    length = len(buf)
    base = 0

    def at(i):
        return buf[i] if i < len(buf) else "\0"

    if at(0) < "0" and at(1) <= "9" and zero_pad:
        base = 1
        width -= 1
        length -= 1
    c0 = at(base)
    if c0 < "0" or c0 >= "9":
        zero_pad = False
    if length >= width:
        return "".join(buf[:length])
    body = buf[base:base + length]
    if left_align:
        body = body + [" "] * (width - length)
    else:
        body = ([("0" if zero_pad else " ")] * (width - length)) + body
    full = buf[:base] + body
    return "".join(full[:width])


def _hash_fetch_sym(vm, h, name: bytes):
    """mrb_hash_fetch(hash, name.to_sym, undef): the value, or None when absent."""
    key = vm.sym(name.decode("utf-8", "surrogateescape"))
    return vm.obj(h).get(vm, key)


def format_string(vm, fmt: bytes, args: list, rules: SprintfRules = RULES31) -> bytes:
    """mrb_str_format(argc, argv, fmt): the result bytes."""
    from runtime.core.numeric import as_float, as_int

    fmt = bytes(fmt)
    argv = [abi.UNDEF] + list(args)     # argv[0] is the format in mruby
    argc = len(argv)
    out = bytearray()
    p = 0
    end = len(fmt)
    state = {"nextarg": 1, "posarg": 0}
    hash_w = [None]

    def ch(i):
        return fmt[i:i + 1].decode("latin-1") if i < end else "\0"

    def err(msg):
        vm.raise_error("ArgumentError", msg.encode("latin-1"))

    def getnth(nth):
        if nth >= argc:
            err("too few arguments")
        return argv[nth]

    def getnextarg():
        posarg = state["posarg"]
        if posarg == -1:
            err(f"unnumbered({state['nextarg']}) mixed with numbered")
        if posarg == -2:
            err(f"unnumbered({state['nextarg']}) mixed with named")
        state["posarg"] = state["nextarg"]
        state["nextarg"] += 1
        return getnth(state["posarg"])

    def getposarg(n):
        posarg = state["posarg"]
        if posarg > 0:
            err(f"numbered({n}) after unnumbered({posarg})")
        if posarg == -2:
            err(f"numbered({n}) after named")
        if n < 1:
            err(f"invalid index - {n}$")
        state["posarg"] = -1
        return getnth(n)

    def get_num(q):
        """mrb_int_read: (value, new position) or None on overflow."""
        n = 0
        while q < end and 48 <= fmt[q] <= 57:
            n = n * 10 + (fmt[q] - 48)
            if n > abi.MRB_INT_MAX:
                return None
            q += 1
        if n > _INT_MAX:
            return None
        return n, q

    while p < end:
        t = fmt.find(b"%", p)
        if t < 0:
            t = end
        if t + 1 == end:
            if rules.trailing_percent:
                err("incomplete format specifier; use %% (double %) instead")
            t += 1
        out += fmt[p:t]
        if t >= end:
            break
        p = t + 1
        flags = FNONE
        width = -1
        prec = -1
        nextvalue = abi.UNDEF
        sym_named = False

        # getarg and getaster run within the iteration that defines them
        def getarg():
            return nextvalue if nextvalue != abi.UNDEF else getnextarg()  # noqa: B023

        def check_for_width(fl):
            if fl & FWIDTH:
                err("width given twice")
            if fl & FPREC0:
                err("width after precision")

        def check_for_flags(fl):
            if fl & FWIDTH:
                err("flag after width")
            if fl & FPREC0:
                err("flag after precision")

        def getaster():
            """GETASTER: p points at '*'; returns (value, new p)."""
            t0 = p     # noqa: B023 - called within the iteration that defines it
            q = p + 1  # noqa: B023
            r = get_num(q)
            if r is None:
                err(rules.too_big.format("val"))
            n, q = r
            if ch(q) == "$":
                v = getposarg(n)
            else:
                v = getnextarg()
                q = t0
            n = as_int(vm, v) & 0xFFFFFFFF     # stored in a C int
            return (n - (1 << 32) if n >= (1 << 31) else n), q

        done = False
        while not done:
            if p >= end and rules.unexpected_end:
                err("malformed format string - unexpected end")
            c = ch(p)
            if c == " ":
                check_for_flags(flags)
                flags |= FSPACE
                p += 1
            elif c == "#":
                check_for_flags(flags)
                flags |= FSHARP
                p += 1
            elif c == "+":
                check_for_flags(flags)
                flags |= FPLUS
                p += 1
            elif c == "-":
                check_for_flags(flags)
                flags |= FMINUS
                p += 1
            elif c == "0":
                check_for_flags(flags)
                flags |= FZERO
                p += 1
            elif "1" <= c <= "9":
                r = get_num(p)
                if r is None:
                    err(rules.too_big.format("width"))
                n, p = r
                if ch(p) == "$":
                    if nextvalue != abi.UNDEF:
                        err(f"value given twice - {n}$")
                    nextvalue = getposarg(n)
                    p += 1
                    continue
                check_for_width(flags)
                width = n
                flags |= FWIDTH
            elif c == "<" or c == "{":
                start = p
                term = ">" if c == "<" else "}"
                while p < end and ch(p) != term:
                    p += 1
                # mruby's name runs to the terminator inclusive; an unterminated
                # one takes the format's trailing NUL along
                name_l = fmt[start:p + 1] if p < end else fmt[start:] + b"\0"
                if sym_named:
                    err("name" + name_l.decode("latin-1") + " after <" + sym_named + ">")
                posarg = state["posarg"]
                if posarg > 0:
                    err(f"named{name_l.decode('latin-1')} after unnumbered({posarg})")
                if posarg == -1:
                    err(f"named{name_l.decode('latin-1')} after numbered")
                state["posarg"] = -2
                if hash_w[0] is None:
                    if argc != 2 or not vm.is_hash(argv[1]):
                        err("one hash required")
                    hash_w[0] = argv[1]
                name = fmt[start + 1:p]
                v = _hash_fetch_sym(vm, hash_w[0], name)
                if v is None:
                    vm.raise_error("KeyError", b"key" + name_l + b" not found")
                nextvalue = v
                sym_named = name.decode("latin-1")
                if term == "}":
                    _format_s(vm, out, "s", flags, width, prec, getarg())
                    done = True
                    break
                p += 1
            elif c == "*":
                check_for_width(flags)
                flags |= FWIDTH
                width, p = getaster()
                if width > 32767 or width < -32768:
                    err("width too big")
                if width < 0:
                    flags |= FMINUS
                    width = -width
                p += 1
            elif c == ".":
                if flags & FPREC0:
                    err("precision given twice")
                flags |= FPREC | FPREC0
                p += 1
                if ch(p) == "*":
                    prec, p = getaster()
                    if prec < 0:
                        flags &= ~FPREC
                    p += 1
                    continue
                r = get_num(p)
                if r is None:
                    err(rules.too_big.format("precision"))
                prec, p = r
            elif c in ("\n", "\0", "%"):
                if c != "%":
                    p -= 1
                if flags != FNONE:
                    err("invalid format character - %")
                out += b"%"
                done = True
            elif c == "c":
                val = getarg()
                if vm.is_str(val):
                    tmp = vm.str_bytes(val)
                    if len(tmp) != 1:
                        err("%c requires a character")
                elif vm.is_int(val):
                    tmp = bytes([vm.int_value(val) & 0xFF])
                else:
                    err("invalid character")
                if not (flags & FWIDTH):
                    out += tmp
                elif flags & FMINUS:
                    out += tmp
                    if width > 0:
                        out += b" " * (width - 1)
                else:
                    if width > 0:
                        out += b" " * (width - 1)
                    out += tmp
                done = True
            elif c in ("s", "p"):
                _format_s(vm, out, c, flags, width, prec, getarg())
                done = True
            elif c in "dioxXbBu":
                val = getarg()
                rules.format_int(vm, out, c, flags, width, prec, val)
                done = True
            elif c in "fgGeE":
                val = getarg()
                fval = as_float(vm, val)
                if not math.isfinite(fval):
                    expr = "NaN" if math.isnan(fval) else "Inf"
                    sign = ""
                    if not math.isnan(fval) and fval < 0.0:
                        sign = "-"
                    elif flags & (FPLUS | FSPACE):
                        sign = "+" if flags & FPLUS else " "
                    need = 3 + (1 if sign else 0)
                    if (flags & FWIDTH) and need < width:
                        need = width
                    field = [" "] * need
                    if flags & FMINUS:
                        if sign:
                            field[0] = sign
                            field[1:4] = list(expr)
                        else:
                            field[0:3] = list(expr)
                    else:
                        if sign:
                            field[need - 4] = sign
                        field[need - 3:] = list(expr)
                    out += "".join(field).encode()
                    done = True
                    continue
                need = 0
                if c not in "eE":
                    m, i = math.frexp(fval)
                    if i > 0:
                        need = _bit_digits(i)
                need += prec if (flags & FPREC) else 6
                if (flags & FWIDTH) and need < width:
                    need = width
                need += 20
                text = _fmt_float_field(c, flags, width, prec, fval, need, rules.fp)
                if len(text) >= need:
                    vm.raise_error("RuntimeError", "formatting error")
                out += text.encode("latin-1")
                done = True
            else:
                err("malformed format string - %" + c)
        p += 1
    return bytes(out)


def _format_s(vm, out: bytearray, c: str, flags: int, width: int, prec: int, arg: int) -> None:
    if c == "p":
        arg = vm.obj_as_string(vm.funcall(arg, "inspect"))
    s = vm.str_bytes_of(vm.obj_as_string(arg))
    if flags & (FPREC | FWIDTH):
        slen = len(s)
        if (flags & FPREC) and prec < slen:
            slen = prec
            s = s[:prec]
        if (flags & FWIDTH) and width > slen:
            pad = b" " * (width - slen)
            if flags & FMINUS:
                out += s + pad
            else:
                out += pad + s
            return
    out += s


def sign_char(flags: int, v: int) -> str:
    """The sign of a signed conversion: ``-``, or ``+``/space by flag."""
    if v < 0:
        return "-"
    if flags & FPLUS:
        return "+"
    return " " if flags & FSPACE else ""


def int_field(flags: int, width: int, prec: int, s: str, length: int, prefix, dots: bool):
    """FMT_INTEGER's layout: the prefix an octal zero or a precision drops,
    then the width left and the digits' count with zeros ->
    (width, prec, length, prefix)."""
    if prefix is not None and len(prefix) == 1:     # octal
        if dots:
            prefix = None
        elif length == 1 and s == "0":
            length = 0
            if flags & FPREC:
                prec -= 1
        elif (flags & FPREC) and prec > length:
            prefix = None
    elif length == 1 and s == "0":
        prefix = None
    if prefix:
        width -= len(prefix)
    if (flags & (FZERO | FMINUS | FPREC)) == FZERO:
        prec = width
        width = 0
    else:
        if prec < length:
            if not prefix and prec == 0 and length == 1 and s == "0":
                length = 0
            prec = length
        width -= prec
    return width, prec, length, prefix


def push_head(out: bytearray, flags: int, width: int, prec: int, sc: str, prefix, dots: bool):
    """FMT_INTEGER's output before the digits: the spaces of a right-aligned
    field, the sign, the prefix, ``..`` -> (width, prec) left."""
    if not (flags & FMINUS) and width > 0:
        out += b" " * width
        width = 0
    out += sc.encode()
    if prefix:
        out += prefix.encode()
    if dots:
        prec -= 2
        width -= 2
        out += b".."
    return width, prec


def _format_int(vm, out: bytearray, c: str, flags: int, width: int, prec: int,
                val: int) -> None:
    from runtime.core.numeric import as_int, float_to_integer
    prefix = None
    if flags & FSHARP:
        prefix = {"o": "0", "x": "0x", "X": "0X", "b": "0b", "B": "0B"}.get(c)
    while True:
        if vm.is_float(val):
            val = vm.int_new(float_to_integer(vm, vm.float_value(val)))
            continue
        if vm.is_str(val):
            val = str_len_to_integer(vm, vm.str_bytes(val), 0, True)
            continue
        if vm.is_int(val):
            v = vm.int_value(val)
        else:
            v = as_int(vm, val)
        break
    if c == "o":
        base = 8
    elif c in "xX":
        base = 16
    elif c in "bB":
        base = 2
    else:
        base = 10
    sign = c in "dui"
    sc = ""
    dots = False
    if sign:
        sc = sign_char(flags, v)
        width -= len(sc)
        s = int_to_str(v, 10)
        if v < 0:
            s = s[1:]
    else:
        s = _uint_to_str(v, base)
        if v < 0:
            dots = True
    length = len(s)
    if c == "X":
        s = s.upper()

    width, prec, length, prefix = int_field(flags, width, prec, s, length, prefix, dots)
    width, prec = push_head(out, flags, width, prec, sc, prefix, dots)
    if prec > length:
        if (flags & (FMINUS | FPREC)) != FMINUS:
            out += b"0" * (prec - length)
        elif v < 0:
            fillc = {16: "F" if c == "X" else "f", 8: "7", 2: "1"}.get(base, ".")
            out += fillc.encode() * (prec - length)
    out += s[:length].encode()
    if width > 0:
        out += b" " * width


# --------------------------------------------------------------------------
# methods

@module_function("Kernel", "sprintf", arity=-1)
def kernel_sprintf(vm, self, args, blk):
    return f_sprintf(vm, args, RULES31)


def f_sprintf(vm, args: list, rules: SprintfRules) -> int:
    """mrb_f_sprintf: the format, then its arguments."""
    if not args:
        vm.raise_error("ArgumentError", "too few arguments")
    f = args[0]
    if not vm.is_str(f):
        vm.raise_error("TypeError", f"{vm.type_name_for_error(f)} cannot be converted to String")
    return vm.str_new(format_string(vm, vm.str_bytes(f), args[1:], rules))


@module_function("Kernel", "format", arity=-1)
def kernel_format(vm, self, args, blk):
    return kernel_sprintf(vm, self, args, blk)


@method("String", "%", arity=1)
def str_format_op(vm, self, args, blk):
    a = args[0]
    if vm.is_ary(a):
        items = list(vm.obj(a).items)
    else:
        items = [a]
    return vm.funcall(self, "sprintf", [self] + items)


@module_function("Kernel", "printf", arity=-1)
def kernel_printf(vm, self, args, blk):
    # mruby-print: __printstr__(sprintf(*args))
    s = vm.funcall(self, "sprintf", list(args))
    vm.funcall(self, "__printstr__", [s])
    return abi.NIL
