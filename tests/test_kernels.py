"""translate/kernels.py's machine code, run on tables made here: the
collector's sweep and an allocation pool's refill write exactly the words
their Python counterparts would."""

from __future__ import annotations

from runtime import abi, kernels
from runtime.cdecls import ffi
from runtime.shapes import block_address


def _table(values):
    return ffi.new("uint64_t[]", values)


def test_sweep_frees_unmarked_handles_with_a_class_word():
    # handles: 1 and 5 marked; 2 an Array literal, 3 a Proc, 4 a String,
    # 6 a plain object with an ivar block; 7 a free handle (no class word)
    marked = bytearray([0, 1, 0, 0, 0, 1, 0, 0])
    cw = _table([0, 9, 9, 9, 9, 9, 9, 0])
    ivv, avv, svv, pcv = _table(8), _table(8), _table(8), _table(8)
    block = _table([7, 4, 4, 0, 0, 0, 0])        # an ivar block: shape, writable, capacity
    data = _table([0x9000, 0, 0, abi.PROC_SEEN])    # a Proc's call data: code ... flags
    avv[2] = 0x1000
    pcv[3] = block_address(data)
    svv[4] = 0x2000
    svv[5] = 0x3000
    ivv[6] = block_address(block)
    outs = [_table(8) for _ in range(6)]
    outs_at = (abi.SWEEP_OUT_HANDLES, abi.SWEEP_OUT_ARY, abi.SWEEP_OUT_STR, abi.SWEEP_OUT_IV,
               abi.SWEEP_OUT_IV_CAP, abi.SWEEP_OUT_PROC)
    args = ffi.new("uint64_t[]", abi.SWEEP_ARGS)
    keep = ffi.from_buffer(marked)
    args[abi.SWEEP_MARKED] = block_address(keep)
    args[abi.SWEEP_COUNT] = 8
    for at, t in ((abi.SWEEP_CLASS_WORDS, cw), (abi.SWEEP_IV_BLOCKS, ivv),
                  (abi.SWEEP_ARY_BLOCKS, avv), (abi.SWEEP_STR_BLOCKS, svv),
                  (abi.SWEEP_PROC_BLOCKS, pcv), *zip(outs_at, outs)):
        args[at] = block_address(t)
    kernels.sweep()(args)
    got = [ffi.unpack(b, (int(args[at]) - block_address(b)) >> 3)
           for at, b in zip(outs_at, outs)]
    assert got == [[2, 3, 4, 6], [0x1000], [0x2000], [block_address(block)], [4],
                   [block_address(data)]]
    assert list(cw) == [0, 9, 0, 0, 0, 9, 0, 0]
    assert list(avv) == list(ivv) == list(pcv) == [0] * 8
    assert list(svv) == [0, 0, 0, 0, 0, 0x3000, 0, 0]
    assert list(data) == [0, 0, 0, 0]               # blank: no code, no flags


def test_fill_writes_class_words_table_entries_and_words():
    cw = _table(8)
    table = _table(8)
    handles = _table([5, 2, 7])
    addrs = _table([0x100, 0x200, 0x300])
    words = _table(3)
    args = ffi.new("uint64_t[]", abi.FILL_ARGS)
    args[abi.FILL_HANDLES] = block_address(handles)
    args[abi.FILL_COUNT] = 3
    args[abi.FILL_CLASS_WORDS] = block_address(cw)
    args[abi.FILL_CLASS_WORD] = 0x44
    args[abi.FILL_TABLE] = block_address(table)
    args[abi.FILL_ADDRESSES] = block_address(addrs)
    args[abi.FILL_WORDS] = block_address(words)
    kernels.fill()(args)
    assert list(cw) == [0, 0, 0x44, 0, 0, 0x44, 0, 0x44]
    assert list(table) == [0, 0, 0x200, 0, 0, 0x100, 0, 0x300]
    assert list(words) == [(h << abi.OBJECT_SHIFT) | abi.OBJECT_TAG for h in (5, 2, 7)]
    # no class word (an env's) and no table: only the words
    args[abi.FILL_CLASS_WORD] = 0
    args[abi.FILL_TABLE] = 0
    handles[0] = 1
    kernels.fill()(args)
    assert cw[1] == 0 and table[1] == 0 and words[0] == (1 << abi.OBJECT_SHIFT) | abi.OBJECT_TAG


def test_env_fill_writes_each_cell():
    cells = [ffi.new("uint64_t[]", abi.ENV_CELL_WORDS) for _ in range(2)]
    for c in cells:
        c[abi.ENV_SEEN // 8] = 1
        c[abi.ENV_TC // 8] = 0x77                # BLOCK's: left alone
    args = ffi.new("uint64_t[]", abi.ENV_FILL_ARGS)
    handles, cs, bufs = _table([3, 9]), _table([block_address(c) for c in cells]), \
        _table([0x500, 0x600])
    args[abi.ENV_FILL_HANDLES] = block_address(handles)
    args[abi.ENV_FILL_CELLS] = block_address(cs)
    args[abi.ENV_FILL_BUFFERS] = block_address(bufs)
    args[abi.ENV_FILL_COUNT] = 2
    kernels.env_fill()(args)
    for c, h, buf in zip(cells, (3, 9), (0x500, 0x600)):
        assert c[abi.ENV_BUF // 8] == buf and c[abi.ENV_SEEN // 8] == 0
        assert c[abi.ENV_WORD // 8] == (h << abi.OBJECT_SHIFT) | abi.OBJECT_TAG
        assert c[abi.ENV_TC // 8] == 0x77


def test_env_sweep_clears_cells_and_gives_their_buffers():
    cells = [_table([0x10 + i, 0x500 + i, 3, 7, 0, 0, 1, 0]) for i in range(3)]
    cs, bufs = _table([block_address(c) for c in cells]), _table(3)
    args = ffi.new("uint64_t[]", abi.ENV_SWEEP_ARGS)
    args[abi.ENV_SWEEP_CELLS] = block_address(cs)
    args[abi.ENV_SWEEP_COUNT] = 3
    args[abi.ENV_SWEEP_OUT_BUFFERS] = block_address(bufs)
    kernels.env_sweep()(args)
    assert list(bufs) == [0x500, 0x501, 0x502]
    assert [c[abi.ENV_REGS // 8] for c in cells] == [0, 0, 0]
    assert [c[abi.ENV_WORD // 8] for c in cells] == [7, 7, 7]     # the rest left alone
