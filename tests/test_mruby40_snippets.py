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
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
@pytest.mark.parametrize("engine", ["interp", "native"])
def test_snippet_matches_mruby40(name, engine, tmp_path):
    assert_snippet_matches_mruby40(name, SNIPPETS[name], engine, tmp_path)
