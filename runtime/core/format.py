"""Kernel#format / Kernel#sprintf / String#% and mruby's float printing.

Two engines live here, both written after mruby 3.1's C sources:

* ``format_float`` reproduces ``mrb_format_float`` (src/fmt_fp.c): mruby
  does not use the C library's printf for floats but a digit-by-digit
  routine working in doubles.  Its results differ from correctly rounded
  output (``3.7 % 1`` prints ``0.699999999999999``; ``1e100`` prints
  garbage), so every double operation is replayed in the same order.
  ``float_to_s`` is ``Float#to_s``/``inspect`` (``mrb_float_to_str``).
* ``format_string(vm, fmt_bytes, args) -> bytes`` is ``mrb_str_format``
  (mruby-sprintf): flags, width, precision, ``*``, ``n$``, ``%<name>``,
  ``%{name}`` and the ArgumentError messages of mruby 3.1.
"""

from __future__ import annotations

import math
import struct

from runtime import abi
from runtime.defs import method, module_function

# --------------------------------------------------------------------------
# mrb_format_float

_POS_POW = (1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1)
_NEG_POW = (1e-256, 1e-128, 1e-64, 1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1)
_FLT_DECEXP = 256
_FLT_ROUND_TO_ONE = 0.999999999995
_FLT_MIN_BUF_SIZE = 7


def _signbit(f: float) -> bool:
    return math.copysign(1.0, f) < 0


def _c_digit(f: float) -> int:
    """``(int8_t)((int)f) % 10`` with C semantics."""
    if f != f:
        v = -(1 << 31)
    elif f >= 2147483648.0 or f <= -2147483649.0:
        v = -(1 << 31)          # x86 cvttsd2si result for out-of-range values
    else:
        v = int(f)
    v = ((v + 128) & 0xFF) - 128
    if v >= 0:
        return v % 10
    return -((-v) % 10)


def format_float(f: float, fmt: str, prec: int, sign: str = "", alt: bool = False,
                 buf_size: int = 25) -> str:
    """mrb_format_float(f, buf, buf_size, fmt, prec, sign) -> the text."""
    if buf_size <= _FLT_MIN_BUF_SIZE:
        return "?" if buf_size >= 2 else ""
    # ``int buf_remaining = buf_size - 1``: a C int, so a size_t past
    # INT_MAX wraps negative (then the precision shrinks to nothing)
    buf_remaining = ((buf_size - 1 + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
    s: list[str] = []
    if _signbit(f):
        s.append("-")
        f = -f
    elif sign:
        s.append(sign)
    buf_remaining -= len(s)

    upper = fmt.isupper()
    if math.isinf(f):
        s.append("INF" if upper else "inf")
        return "".join(s)
    if math.isnan(f):
        s.append("NAN" if upper else "nan")
        return "".join(s)

    if prec < 0:
        prec = 6
    e_char = "E" if upper else "e"
    fmt = fmt.lower()
    org_fmt = fmt
    if fmt == "g" and prec == 0:
        prec = 1
    e = 0
    dec = 0
    e_sign = ""
    num_digits = 0

    if f == 0.0:
        e = 0
        if fmt == "e":
            e_sign = "+"
        elif fmt == "f":
            num_digits = prec + 1
    elif f < 1.0:
        first_dig = "0"
        if f >= _FLT_ROUND_TO_ONE:
            first_dig = "1"
        e = 0
        e1 = _FLT_DECEXP
        i = 0
        while e1:
            if _NEG_POW[i] > f:
                e += e1
                f *= _POS_POW[i]
            e1 >>= 1
            i += 1
        e_sign_char = "-"
        if f < 1.0:
            if f >= _FLT_ROUND_TO_ONE:
                f = 1.0
                if e == 0:
                    e_sign_char = "+"
            else:
                e += 1
                f *= 10.0
        if fmt == "f" or (fmt == "g" and e <= 4):
            fmt = "f"
            dec = -1
            s.append(first_dig)
            if org_fmt == "g":
                prec += e - 1
            if prec + 2 > buf_remaining:
                prec = buf_remaining - 2
            num_digits = prec
            if num_digits or alt:
                s.append(".")
                while True:
                    e -= 1
                    if not (e and num_digits):
                        break
                    s.append("0")
                    num_digits -= 1
        else:
            e_sign = e_sign_char
            dec = 0
            if prec > buf_remaining - _FLT_MIN_BUF_SIZE:
                prec = buf_remaining - _FLT_MIN_BUF_SIZE
                if fmt == "g":
                    prec += 1
    else:
        e = 0
        e1 = _FLT_DECEXP
        i = 0
        while e1:
            if _POS_POW[i] <= f:
                e += e1
                f *= _NEG_POW[i]
            e1 >>= 1
            i += 1
        if fmt == "f":
            if e >= buf_remaining:
                fmt = "e"
            elif e + prec + 2 > buf_remaining:
                prec = buf_remaining - e - 2
                if prec < 0:
                    prec += 1
        if fmt == "e" and prec > buf_remaining - 6:
            prec = buf_remaining - 6
        if fmt == "g" and e < prec:
            fmt = "f"
            prec -= e + 1
        if fmt == "f":
            dec = e
            num_digits = prec + e + 1
        else:
            e_sign = "+"
    if prec < 0:
        prec = 0

    if fmt == "e":
        num_digits = prec + 1
    elif fmt == "g":
        if prec == 0:
            prec = 1
        num_digits = prec

    for _ in range(num_digits):
        d = _c_digit(f)
        s.append(chr(48 + d))
        if dec == 0 and (prec > 0 or alt):
            s.append(".")
        f -= float(d)
        f *= 10.0
        dec -= 1

    if f >= 5.0:
        rs = len(s) - 1
        while True:
            if rs < 0:
                rs = 0
                break
            c = s[rs]
            if c == ".":
                rs -= 1
                continue
            if c < "0" or c > "9":
                rs += 1
                break
            if c < "9":
                s[rs] = chr(ord(c) + 1)
                break
            s[rs] = "0"
            if rs == 0:
                break
            rs -= 1
        if rs < len(s) and s[rs] == "0":
            if rs + 1 < len(s) and s[rs + 1] == "." and fmt != "f":
                s[rs] = "."
                s[rs + 1] = "0"
                if e_sign == "-":
                    e -= 1
                else:
                    e += 1
            s.insert(rs, "1")
            if f < 1.0 and fmt == "f":
                prec -= 1

    if org_fmt == "g" and prec > 0 and not alt:
        while s and s[-1] == "0":
            s.pop()
        if s and s[-1] == ".":
            s.pop()

    if e_sign:
        s.append(e_char)
        s.append(e_sign)
        if e >= 100:
            s.append(chr(48 + e // 100))
            e %= 100
        s.append(chr(48 + e // 10))
        s.append(chr(48 + e % 10))
    return "".join(s)


def float_to_s(f: float) -> str:
    """Float#to_s / Float#inspect."""
    if math.isinf(f):
        return "-Infinity" if f < 0 else "Infinity"
    if math.isnan(f):
        return "NaN"
    t = format_float(f, "g", 15)
    if "." in t:
        return t
    i = t.find("e")
    if i >= 0:
        return t[:i] + ".0" + t[i:]
    return t + ".0"


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


def _uint_to_str(num: int, base: int) -> str:
    """mruby-sprintf's mrb_uint_to_cstr: two's complement digits for negatives."""
    if num == 0:
        return "0"
    shift = {16: 4, 8: 3, 2: 1}[base]
    d = {16: "f", 8: "7", 2: "1"}[base]
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
        # remove_sign_bits
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
        if not t or t[0] != d:
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


def _fmt_float_field(fmtc: str, flags: int, width: int, prec: int, f: float, need: int) -> str:
    """mruby-sprintf's fmt_float: format then pad (bugs included)."""
    sign = ""
    if flags & FPLUS:
        sign = "+"
    if flags & FSPACE:
        sign = " "
    left_align = bool(flags & FMINUS)
    zero_pad = bool(flags & FZERO)
    buf = list(format_float(f, fmtc, prec, sign, bool(flags & FSHARP), need))
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


def format_string(vm, fmt: bytes, args: list) -> bytes:
    """mrb_str_format(argc, argv, fmt): the result bytes."""
    from runtime.core.conversions import str_to_integer
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

        def getarg():
            return nextvalue if nextvalue != abi.UNDEF else getnextarg()

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
            t0 = p
            q = p + 1
            r = get_num(q)
            if r is None:
                err("val too big 1")
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
                    err("width too big 1")
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
                    err("precision too big 1")
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
                _format_int(vm, out, c, flags, width, prec, val, str_to_integer)
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
                text = _fmt_float_field(c, flags, width, prec, fval, need)
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


def _format_int(vm, out: bytearray, c: str, flags: int, width: int, prec: int, val: int,
                str_to_integer) -> None:
    from runtime.core.numeric import as_int, float_to_integer
    prefix = None
    if flags & FSHARP:
        prefix = {"o": "0", "x": "0x", "X": "0X", "b": "0b", "B": "0B"}.get(c)
    while True:
        if vm.is_float(val):
            val = vm.int_new(float_to_integer(vm, vm.float_value(val)))
            continue
        if vm.is_str(val):
            val = str_to_integer(vm, vm.str_bytes(val), 0, True)
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
        if v >= 0:
            if flags & FPLUS:
                sc = "+"
                width -= 1
            elif flags & FSPACE:
                sc = " "
                width -= 1
        else:
            sc = "-"
            width -= 1
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

    if not (flags & FMINUS) and width > 0:
        out += b" " * width
        width = 0
    if sc:
        out += sc.encode()
    if prefix:
        out += prefix.encode()
    if dots:
        prec -= 2
        width -= 2
        out += b".."
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
    if not args:
        vm.raise_error("ArgumentError", "too few arguments")
    f = args[0]
    if not vm.is_str(f):
        vm.raise_error("TypeError", f"{vm.type_name_for_error(f)} cannot be converted to String")
    return vm.str_new(format_string(vm, vm.str_bytes(f), args[1:]))


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
