"""translate/: templates, exact bytes, position independence, the translate listing.

None of these tests needs executable memory: translations are plain bytes.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
from capstone import CS_ARCH_X86, CS_MODE_64, Cs

import riteload
from riteload.model import CatchHandler, Irep, PoolValue
from riteload.opcodes import table_for
from runtime import abi
from translate import asm as A
from translate import templates40
from translate.compiler import (
    TEMPLATE_SETS,
    TranslateEnv,
    TranslateError,
    compile_me_stub,
    translate_irep,
)
from translate.templates import TEMPLATES, gen_python, template_for

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures" / "mrb").glob("*.mrb"))
T = table_for("0300")


def iseq(*ops, table=T) -> bytes:
    """Assemble RiteVM instructions: iseq(("MOVE", 1, 2), ("RETURN", 1))."""
    out = bytearray()
    for name, *args in ops:
        op = table[name]
        out.append(op.number)
        for width, value in zip(op.widths, args):
            out += (value & ((1 << 8 * width) - 1)).to_bytes(width, "big")
    return bytes(out)


def irep_of(*ops, nregs=8, pool=(), syms=(), handlers=(), version="0300") -> Irep:
    return Irep(nlocals=1, nregs=nregs, iseq=iseq(*ops, table=table_for(version)),
                pool=list(pool), syms=list(syms), handlers=list(handlers),
                format_version=version)


def code_of(tr, pc: int) -> list[str]:
    """Capstone text of the hot code generated for the instruction at ``pc``."""
    idx = next(i for i, ins in enumerate(tr.irep.instructions) if ins.pc == pc)
    a = tr.assembled
    ks = [k for k, o in enumerate(a.owners) if o == idx and not a.cold[k]]
    md = Cs(CS_ARCH_X86, CS_MODE_64)
    out = []
    for k in ks:
        raw = a.code[a.offsets[k]:a.offsets[k] + a.sizes[k]]
        (ci,) = md.disasm(raw, a.offsets[k])
        out.append(f"{ci.mnemonic} {ci.op_str}")
    return out


def bytes_of(tr, pc: int) -> bytes:
    idx = next(i for i, ins in enumerate(tr.irep.instructions) if ins.pc == pc)
    a = tr.assembled
    return b"".join(a.code[a.offsets[k]:a.offsets[k] + a.sizes[k]]
                    for k, o in enumerate(a.owners) if o == idx and not a.cold[k])


# ---------------------------------------------------------------------------
# the registry

# (format, its opcode table, its templates): RITE0400's start from RITE0300's
SETS = [pytest.param("0300", T, TEMPLATES, id="RITE0300"),
        pytest.param("0400", table_for("0400"), templates40.TEMPLATES, id="RITE0400")]


@pytest.mark.parametrize("version,table,templates", SETS)
def test_every_opcode_has_a_template(version, table, templates):
    names = [op.name for op in table]
    # the registry lists templates of their own, in opcode order, each named after its opcode
    assert list(templates) == [n for n in names if n in templates]
    for name, fn in templates.items():
        assert fn.__name__ == f"gen_{name}" and fn is not gen_python
    # every other opcode calls its Python semantics
    for name in names:
        assert template_for(name, templates) is templates.get(name, gen_python)
    assert TEMPLATE_SETS[version][0] is templates


@pytest.mark.parametrize("version,table,templates", SETS)
def test_registry_lists_only_templates_that_do_something_inline(version, table, templates):
    # an entry that only called Python would repeat the default: each listed
    # template writes other code for some instruction of its opcode
    for name, fn in templates.items():
        body = [ln.strip() for ln in inspect.getsource(fn).splitlines()[2:]]
        assert body != ["cx.call_op(ins)"], name


@pytest.mark.parametrize("version,table,templates", SETS)
def test_every_template_starts_with_its_ops_h_line(version, table, templates):
    for op in table:
        if op.name in templates:
            src = inspect.getsource(templates[op.name]).splitlines()
            assert src[1].strip() == f"# {op.summary}", (op.name, src[1])


@pytest.mark.parametrize("version,table,templates", SETS)
def test_every_template_has_one_signature(version, table, templates):
    sigs = {str(inspect.signature(fn)) for fn in [gen_python, *templates.values()]}
    assert sigs == {"(a: 'Asm', ins: 'Instruction', cx: 'Ctx') -> 'None'"}


def test_the_translated_formats_are_those_with_templates():
    from riteload.versions import TRANSLATED
    assert sorted(v.version for v in TRANSLATED) == sorted(TEMPLATE_SETS) == ["0300", "0400"]


@pytest.mark.parametrize("version,table,templates", SETS)
def test_every_opcode_translates(version, table, templates):
    # one instruction of each opcode, operands 0 (EXT prefixes are folded by
    # the decoder and never reach a template: their templates refuse)
    for op in table:
        if op.name in ("EXT1", "EXT2", "EXT3"):
            continue
        tr = translate_irep(irep_of((op.name, *[0] * len(op.widths)), ("RETURN", 0),
                                    pool=[PoolValue("str", b"")], syms=["x"], version=version))
        assert bytes_of(tr, 0) or op.name == "NOP", op.name


# ---------------------------------------------------------------------------
# exact bytes (iced encodes, capstone reads back)

def test_move_bytes():
    tr = translate_irep(irep_of(("MOVE", 1, 2), ("RETURN", 1)))
    assert bytes_of(tr, 0) == bytes.fromhex("488b4310" "48894308")
    assert code_of(tr, 0) == ["mov rax, qword ptr [rbx + 0x10]", "mov qword ptr [rbx + 8], rax"]


def test_loads_bytes():
    tr = translate_irep(irep_of(("LOADNIL", 3), ("LOADT", 1), ("LOADI", 2, 100),
                                ("LOADINEG", 4, 5), ("LOADSELF", 5), ("RETURN", 1)))
    assert bytes_of(tr, 0) == bytes.fromhex("48c7431808000000")
    assert code_of(tr, 0) == ["mov qword ptr [rbx + 0x18], 8"]
    assert code_of(tr, 2) == ["mov qword ptr [rbx + 8], 0x10"]
    assert code_of(tr, 4) == ["mov qword ptr [rbx + 0x10], 0xc9"]          # 100 -> 201
    assert code_of(tr, 7) == ["mov qword ptr [rbx + 0x20], 0xfffffffffffffff7"]  # -5 -> -9
    assert code_of(tr, 10) == ["mov rax, qword ptr [rbx]", "mov qword ptr [rbx + 0x28], rax"]


def test_loadi32_and_wide_literals():
    big = abi.FIXNUM_MAX
    tr = translate_irep(irep_of(("LOADI32", 1, 0x7fff, 0xffff), ("LOADL", 2, 0), ("LOADL", 3, 1),
                                ("LOADL", 4, 2), ("RETURN", 1),
                                pool=[PoolValue("int64", big), PoolValue("float", 1.5),
                                      PoolValue("int64", big + 1)]))
    assert code_of(tr, 0) == ["mov eax, 0xffffffff", "mov qword ptr [rbx + 8], rax"]
    assert code_of(tr, 6) == [f"movabs rax, {abi.fixnum(big):#x}",
                              "mov qword ptr [rbx + 0x10], rax"]
    assert code_of(tr, 9) == [f"movabs rax, {abi.flonum(1.5):#x}",
                              "mov qword ptr [rbx + 0x18], rax"]
    # not a fixnum: the Python semantics box it
    assert code_of(tr, 12)[0] == "mov esi, 0xc" and code_of(tr, 12)[1].startswith("call ")


def test_jumps_bytes():
    # 0: JMPIF R1 +3 -> 7 ; 4: LOADNIL R2 ; 6: ... ; JMPNOT/JMPNIL similar
    tr = translate_irep(irep_of(("JMPIF", 1, 2), ("LOADNIL", 2), ("JMPNOT", 1, 2), ("LOADT", 2),
                                ("JMPNIL", 1, 0), ("JMP", 0xfff1), ("RETURN", 2)))
    assert code_of(tr, 0)[0] == "test qword ptr [rbx + 8], -9"
    assert code_of(tr, 0)[1].startswith("jne ")
    assert code_of(tr, 6)[1].startswith("je ")
    assert code_of(tr, 12)[0] == "cmp qword ptr [rbx + 8], 8"
    # JMP -15 from next_pc 19 lands on pc 4
    a = tr.assembled
    target = int(code_of(tr, 16)[0].split()[1], 16)
    idx4 = next(i for i, ins in enumerate(tr.irep.instructions) if ins.pc == 4)
    assert target == a.offsets[a.owners.index(idx4)]


def test_add_fast_path():
    tr = translate_irep(irep_of(("ADD", 1), ("RETURN", 1)))
    text = code_of(tr, 0)
    assert text[:5] == ["mov rax, qword ptr [rbx + 8]", "mov rcx, qword ptr [rbx + 0x10]",
                        "mov edx, eax", "and edx, ecx", "test dl, 1"]
    assert text[5].startswith("je ")
    assert text[6:8] == ["sub rax, 1", "add rax, rcx"]
    assert text[8].startswith("jo ")
    assert text[9] == "mov qword ptr [rbx + 8], rax"


def test_python_call_sequence():
    tr = translate_irep(irep_of(("GETGV", 1, 0), ("RETURN", 1), syms=["$foo"]))
    text = code_of(tr, 0)
    assert text[0] == "mov esi, 0" and text[1].startswith("call ")
    # the generic template of every opcode without its own, exactly: mov esi, pc;
    # call rel32 to the shared subroutine
    tr2 = translate_irep(irep_of(("GETGV", 1, 0), ("GETGV", 1, 0), ("RETURN", 1),
                                 syms=["$foo"]))
    a = tr2.assembled
    end = a.offsets[a.owners.index(1)] + 10
    rel = (int(code_of(tr2, 0)[1].split()[1], 16) - end).to_bytes(4, "little", signed=True)
    assert bytes_of(tr2, 3) == bytes.fromhex("be03000000" "e8") + rel
    # the shared subroutine: the running frame's depth into the argument (which
    # record ctx->ci is), realign, call ctx->op, dispatch on the status (rbx,
    # callee-saved, still holds the frame's registers: no reload)
    a = tr.assembled
    target = int(text[1].split()[1], 16)
    k = a.offsets.index(target)
    md = Cs(CS_ARCH_X86, CS_MODE_64)
    seq = []
    for j in range(k, k + 9):
        (ci,) = md.disasm(a.code[a.offsets[j]:a.offsets[j] + a.sizes[j]], a.offsets[j])
        seq.append(f"{ci.mnemonic} {ci.op_str}")
    assert seq == [f"mov rax, qword ptr [r12 + {abi.CTX_CI:#x}]",
                   f"sub rax, qword ptr [r12 + {abi.CTX_CIBASE:#x}]",
                   f"shl rax, {abi.DEPTH_SHIFT - abi.CI_SHIFT:#x}", "or rsi, rax",
                   "mov rdi, r12", "sub rsp, 8", "call qword ptr [r12 + 0x10]", "add rsp, 8",
                   "test rax, rax"]


def test_loadsym_uses_the_environment():
    class Env:
        def symbol_word(self, name):
            return abi.symbol_word({"foo": 77}[name])
    tr = translate_irep(irep_of(("LOADSYM", 1, 0), ("RETURN", 1), syms=["foo"]), env=Env())
    assert code_of(tr, 0) == [f"mov qword ptr [rbx + 8], {abi.symbol_word(77):#x}"]


# ---------------------------------------------------------------------------
# layout

def test_pc_table_points_at_instructions():
    ir = irep_of(("LOADI_1", 1), ("JMPNOT", 1, 0), ("MOVE", 2, 1), ("RETURN", 2),
                 handlers=[CatchHandler(0, 0, 5, 5)])
    tr = translate_irep(ir)
    a = tr.assembled
    table = [int.from_bytes(tr.blob[4 * i:4 * i + 4], "little", signed=True)
             for i in range(ir.ilen + 1)]
    for idx, ins in enumerate(ir.instructions):
        assert table[ins.pc] == a.offsets[a.owners.index(idx)]
    bad = table[1]                         # pc 1 is inside LOADI_1's operand
    assert table[ir.ilen] == bad
    assert bad not in [table[ins.pc] for ins in ir.instructions]


def test_compile_me_stub_bytes():
    # mov eax, ST_COMPILE; ret (the code cache maps it behind cells of ireps without code)
    assert compile_me_stub() == b"\xb8" + abi.ST_COMPILE.to_bytes(4, "little") + b"\xc3"


def test_code_is_position_independent():
    a = A.Asm()
    lab = a.label("x")
    a.lea(A.RCX, A.rip(lab))
    a.jcc("e", lab)
    a.call(A.qword(A.R12, 16))
    a.bind(lab)
    a.ret()
    assert a.assemble(0x1000).code == a.assemble(0x7f00_0000_0000).code


def test_ext_operands_are_wide():
    # EXT1 MOVE R300, R2 : the decoder folds the prefix, the template sees a = 300
    data = bytes([T["EXT1"].number, T["MOVE"].number, 0x01, 0x2c, 2]) + iseq(("RETURN", 1))
    ir = Irep(nlocals=1, nregs=400, iseq=data)
    tr = translate_irep(ir)
    assert code_of(tr, 1) == ["mov rax, qword ptr [rbx + 0x10]",
                              "mov qword ptr [rbx + 0x960], rax"]


def test_only_rite0300_is_translated():
    ir = irep_of(("RETURN", 0))
    ir.format_version = "0200"
    with pytest.raises(TranslateError, match="RITE0200"):
        translate_irep(ir)


def test_facade_refuses_what_it_cannot_encode():
    a = A.Asm()
    with pytest.raises(A.AsmError):
        a.mov(A.qword(A.RBX, 0), 1 << 40)
    a = A.Asm()
    a.jmp(a.label("nowhere"))
    with pytest.raises(A.AsmError, match="never bound"):
        a.assemble(0)


# ---------------------------------------------------------------------------
# every fixture translates

def _verified(path):
    """The file's RiteFile if the verifier accepts it, else None."""
    from riteload.errors import VerifyError
    from riteload.verify import verify_rite
    rite = riteload.load(str(path), check=False)
    try:
        verify_rite(rite)
    except VerifyError:
        return None
    return rite


@pytest.mark.slow       # ~40 s: the quick tier translates through the sampled programs' runs
def test_every_fixture_irep_translates():
    assert FIXTURES
    count = 0
    for path in FIXTURES:
        rite = _verified(path)
        if rite is None:
            continue
        for ir in rite.ireps():
            tr = translate_irep(ir)
            assert tr.size > 0
            count += 1
    assert count > 100


# ---------------------------------------------------------------------------
# the command

def _run(*args):
    return subprocess.run([sys.executable, "-m", "riteload", *args], capture_output=True,
                          text=True, cwd=ROOT)


def test_translate_command_lists_every_instruction(tmp_path):
    path = ROOT / "fixtures" / "mrb" / "002_integer_arith.mrb"
    raw = tmp_path / "code.bin"
    p = _run("translate", str(path), "--raw", str(raw))
    assert p.returncode == 0, p.stderr
    rite = riteload.load(str(path), check=False)
    out = p.stdout
    for ir in rite.ireps():
        for ins in ir.instructions:
            assert f"  {ins.start:03d} " in out
    assert "# R[a] = R[a]+R[a+1]" in out
    assert "mov rax, qword ptr [rbx + " in out
    # --raw: the code of every irep, in listing order
    from riteload.verify import verify_rite
    verify_rite(rite)
    env = TranslateEnv()            # one symbol table for the file, as the command has
    expected = b"".join(translate_irep(ir, env=env).code for ir in rite.ireps())
    assert raw.read_bytes() == expected


def test_translate_command_one_irep():
    path = ROOT / "fixtures" / "mrb" / "010_methods_args.mrb"
    p = _run("translate", str(path), "--irep", "0")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("irep 0 ")
    assert p.stdout.count("\nirep ") == 0
    p = _run("translate", str(path), "--irep", "7.7.7")
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("riteload: ")


def test_translate_command_refuses_other_formats(tmp_path):
    v30 = sorted((ROOT / "fixtures" / "versions" / "3.0.0").glob("*.mrb"))
    assert v30, "fixtures/versions/3.0.0 should hold mruby 3.0's RITE0200 files"
    p = _run("translate", str(v30[0]))
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and "RITE0200" in p.stderr


def test_translate_command_needs_no_executable_memory(monkeypatch, capsys):
    assert FIXTURES
    from runtime import execmem

    def refuse(*a, **k):
        raise AssertionError("translate must not map executable memory")
    monkeypatch.setattr(execmem.ExecMemory, "__init__", refuse)
    from translate.listing import translate_command
    assert translate_command(str(FIXTURES[0])) == 0
    assert "prologue" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# RITE0400 (translate/templates40.py)

def _all_code(tr) -> list[str]:
    md = Cs(CS_ARCH_X86, CS_MODE_64)
    return [f"{ci.mnemonic} {ci.op_str}" for ci in md.disasm(tr.code, 0)]


def test_rite0400_floats_keep_every_bit():
    # mruby 3.1 clears a Float's two low significand bits (word boxing) before
    # making the flonum of a result; 4.0 keeps them: the box subroutine has
    # one ``and`` less (flonum decoding clears the tag bits in both)
    truncate = "and rax, 0xfffffffffffffffc"
    n = {v: _all_code(translate_irep(irep_of(("ADD", 1), ("RETURN", 1), version=v))).count(truncate)
         for v in ("0300", "0400")}
    assert n["0300"] == n["0400"] + 1


def test_rite0400_returns_of_constants_are_inline():
    tr = translate_irep(irep_of(("RETNIL",), ("RETSELF",), ("RETTRUE",), ("RETFALSE",),
                                version="0400"))
    retval = f"mov qword ptr [r12 + {abi.CTX_RETVAL:#x}], rax"
    for pc, value in ((0, "mov eax, 8"), (1, "mov rax, qword ptr [rbx]"), (2, "mov eax, 0x10"),
                      (3, "mov eax, 0")):
        code = code_of(tr, pc)
        assert value in code and retval in code, (pc, code)
    assert tr.inline_ops == 4


def test_rite0400_send0_has_an_inline_cache():
    tr = translate_irep(irep_of(("SEND0", 1, 0), ("SSEND0", 2, 0), ("RETURN", 1),
                                syms=["size"], version="0400"))
    assert len(tr.sites) == 2 and tr.sites == (0, 3)
