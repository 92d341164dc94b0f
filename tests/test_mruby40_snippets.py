"""Small programs of behaviours mruby 4.0.0 changed, run by riteload under
both engines and compared with what mruby 4.0.0 prints: live when its
binaries are at hand (../shared/tools/mruby-4.0.0/bin, or $MRUBY40),
otherwise as recorded in tests/recorded/mruby40/ (tests/mruby_runs.py;
``RITELOAD_RECORD=1`` records them again).  Each covers what no line of
the fixture programs (tests/test_mruby40.py) does.
"""

from __future__ import annotations

import pytest

from mruby_runs import assert_snippet_matches_mruby40

SNIPPETS = {
    # String#[]= returns the replacement; bytesplice (src/string.c);
    # prepend of several Strings; slice! and insert (mruby-string-ext)
    "str40_aset_bytesplice": """
s = "abc"
p s.[]=(0, "X"), s.[]=(1, 1, "YZ"), s
def t; p yield; rescue => e; p [e.class, e.message]; end
t { "0123456789".bytesplice(1..2, "ab") }
t { "0123456789".bytesplice(1, 3, "ab") }
t { "0123456789".bytesplice(1..1, "abcdefg", 2..3) }
t { "0123456789".bytesplice(1, 1, "abcdefg", 2, 3) }
t { "0123".bytesplice(9, 1, "x") }
t { "0123".bytesplice(1, -1, "x") }
t { "0123".bytesplice(1, "x") }
t { "0123".bytesplice(1..2, 5) }
t { "0123".bytesplice(1..2) }
t { "w".prepend("a", "b", "c") }
t { "w".prepend }
t { "w".freeze.prepend }
t { "w".freeze.prepend("") }
t { "abc".slice!(3, 1) }
t { "abc".slice!(4, 1) }
t { "abc".slice!(1.9) }
t { "abc".insert(-1, "X") }
t { "ab".center(7, "123") }
""",
    # mruby-pack: H/h stop at a non-hex digit, counts stop at the string's end
    "pack40_hex_counts": """
p ["a1zz"].pack("H*"), ["1"].pack("h"), ["616"].pack("H*"), ["61"].pack("H9")
p "\\x01\\x02".unpack("S2"), "\\x01".unpack("n2"), "ab".unpack("C*x0C2")
def t; p yield; rescue => e; p [e.class, e.message]; end
t { "\\xf4\\x90\\x80\\x80".unpack("U") }
t { "\\xc0\\x80".unpack("U") }
t { "\\x81\\x81\\x81\\x81\\x81\\x81\\x81\\x81\\x81\\x01".unpack("w") }
""",
    # Array#sort!: insertion sort up to 16 elements, heap sort past it
    "sort40_heap_and_failures": """
a = (1..20).map { |i| [i % 3, i] }
p a.sort { |x, y| x[0] <=> y[0] }
p [3.0, 1, 2.5, -1].sort, %w[b a c].sort!, [].sort!, [1].freeze.sort!
def t; p yield; rescue => e; p [e.class, e.message]; end
t { [1, 2].freeze.sort! }
t { [2, 1].sort { 1.0 } }
t { b = [3, 1, 2]; b.sort! { |x, y| b << 0; x <=> y } }
t { (1..20).to_a.sort { |x, y| y <=> x } }
""",
    # Array#index/#rindex (array.c: block or ==, no Enumerator with an
    # argument), Array#* of a String, #hash of a self-referencing Array
    "ary40_index_times_hash": """
a = [1, 2, 3, 2]
p a.index(2), a.rindex(2), a.index { |x| x > 1 }, a.rindex { |x| x < 3 }, a.index(9)
p a.index.class, a.rindex.class, a.index(2) { |x| x == 3 }
p [1, 2] * ",", [1, [2, 3]] * "-", [1, 2] * 2
b = []; b << b
c = []; c << c
p b.hash == c.hash, [b].hash == [c].hash
def t; p yield; rescue => e; p [e.class, e.message]; end
t { a.index(1, 2) }
t { [1] * nil }
""",
    # Time (4.0's mruby-time): nsec, hash, eql?, utc_offset, C weekday
    # predicates, mrb_to_time_t's TypeError and bigint/NaN RangeErrors
    "time40_nsec_hash_conversions": """
t = Time.at(1, 2.5).utc
p t.nsec, t.tv_nsec, t.usec, Time.at(-0.25).utc.nsec, Time.gm(2000, 1, 1, 0, 0, 0, 1_999_999).nsec
p t.hash, Time.at(1, 3).hash, t.hash == Time.at(1, 3).utc.hash, t.utc_offset, t.gmtoff, t.gmt_offset
p t.eql?(Time.at(1, 3)), t.eql?(Time.at(1, 4)), t.eql?(1), t.sunday?, t.thursday?
def t; p yield; rescue => e; p [e.class, e.message]; end
t { Time.at("1") }
t { Time.at(1, "2") }
t { Time.at(2**64) }
t { Time.at(1, 2**64) }
t { Time.gm(2000, 2**64) }
t { Time.gm(2000, 0.0 / 0) }
t { Time.gm(2000, 1, 1, 0, 0, 0, 2**62) }
t { Time.at(1.0e18) }
t { Time.gm(2000) + (0.0 / 0) }
t { Time.gm(2000) - Float::INFINITY }
t { Time.at(0).utc + 1.9999999 }
t { (Time.at(0).utc - 1.0000001).nsec }
t { Time.at(-1, -999_999).utc.to_f }
""",
    # sprintf (4.0's mruby-sprintf): %X/%B signed, dots laid out after the
    # width, bigints' own digits (mrb_bint_2comp), %.0e/%.0g, GETNUM's and
    # a cut-off spec's errors, mrb_float_to_integer
    "sprintf40_ints_bigints_errors": """
p format("%c", 256 + 65), format("%c", 0x3042), format("%c", -1), format("%c", 0x110000)
p format("%.d", 5) rescue p $!
p format("%5.d|", 5) rescue p $!
m = -2**70
p format("%+d % d %+x %x %X %o %b %B", 2**70, 2**70, m, m, m, m, m, m)
p format("%d|%+d|%20d|%-20d|%020d", m, 2**70, m, m, m)
p format("%#x|%#o|%#b|%30x|%-30x|%030x|%.30x", m, m, m, m, m, m, m)
p format("%-8x|%-8X|%-#8X|%-.8x|%-8.5x|%08X|%-08x|", -1, -1, -255, -1, -255, -42, -42)
p format("%o %#o %8o %08o %.8o %b %08b %-8b|", -1, -1, -8, -8, -8, -5, -5, -5)
p format("%X %#X %+X % X %08X %B %#B %+B %8B", -1, -42, -42, -42, -42, -5, -5, -5, -5)
p format("%.0e %.0E %#.0e %.0g %#.0g %.0f %#.0f", 9.5, 95.0, 2.0, 9.5, 2.0, 2.5, 2.5)
p format("%e %g %f", 1e100, 1e-100, 1e22)
p format("%u", -3), format("%x", 2**64), format("%x", 2**64 - 1)
def t; p yield; rescue => e; p [e.class, e.message]; end
t { format("%.d", 5) }
t { format("%2147483648d", 1) }
t { format("%.2147483648d", 1) }
t { format("%*2147483648$d", 1) }
t { format("%99999999999999999999d", 1) }
t { format("%1$*2$d", 1, 2**40) }
t { format("%-", 1) }
t { format("%5", 1) }
t { format("%.", 1) }
t { format("%<a", {a: 1}) }
t { format("%1$", 1) }
t { format("%*", 1) }
t { format("%x", "-0x1f") }
t { format("%X", 3.7) }
t { format("%X", -3.7) }
t { format("%B", nil) }
t { format("%d", 2**64 + 0.0) }
t { format("%d", Rational(7, 2)) }
""",
    # String#to_f / Kernel#Float read by 4.0's mrb_read_float (src/readfloat.c)
    "readfloat40_quirks": """
def t; p yield; rescue => e; p [e.class, e.message]; end
%w[5. -5. 5.e3 -1e 1e+ .5e 123456789012345678901234 123456789012345678901.5
   18446744073709551615 1.23456789012345678901 0.1e-323 1e309 -0 -0.0 1.5e-10 3.3 0.3
   2.675 1_2.5_1 +.5].each do |s|
  print s, " "
  p s.to_f
  t { Float(s) }
end
p "-1ex".to_f, "  -2.5e2xyz".to_f, "1e-400".to_f, "4.9e-324".to_f, "0x10".to_f
""",
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
@pytest.mark.parametrize("engine", ["interp", "native"])
def test_snippet_matches_mruby40(name, engine, tmp_path):
    assert_snippet_matches_mruby40(name, SNIPPETS[name], engine, tmp_path)
