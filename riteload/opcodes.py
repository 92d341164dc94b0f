"""RiteVM opcode tables, one per .mrb format version, as data.

Each table lists ``(name, operand layout, semantics)`` in opcode order, as
mruby's ``include/mruby/ops.h`` of the release that writes that format
declares them; the opcode number is the index.  The record of each format
version in ``riteload.versions`` names its table, and ``table_for`` finds it.
The decoder, disassembler, verifier, interpreter and translator all read these
tables: no other module hard-codes an opcode number.
"""

from __future__ import annotations

# include/mruby/ops.h of mruby 3.0.0
OPS_H_3_0 = (
    ('NOP', 'Z', 'no operation'),
    ('MOVE', 'BB', 'R(a) = R(b)'),
    ('LOADL', 'BB', 'R(a) = Pool(b)'),
    ('LOADL16', 'BS', 'R(a) = Pool(b)'),
    ('LOADI', 'BB', 'R(a) = mrb_int(b)'),
    ('LOADINEG', 'BB', 'R(a) = mrb_int(-b)'),
    ('LOADI__1', 'B', 'R(a) = mrb_int(-1)'),
    ('LOADI_0', 'B', 'R(a) = mrb_int(0)'),
    ('LOADI_1', 'B', 'R(a) = mrb_int(1)'),
    ('LOADI_2', 'B', 'R(a) = mrb_int(2)'),
    ('LOADI_3', 'B', 'R(a) = mrb_int(3)'),
    ('LOADI_4', 'B', 'R(a) = mrb_int(4)'),
    ('LOADI_5', 'B', 'R(a) = mrb_int(5)'),
    ('LOADI_6', 'B', 'R(a) = mrb_int(6)'),
    ('LOADI_7', 'B', 'R(a) = mrb_int(7)'),
    ('LOADI16', 'BS', 'R(a) = mrb_int(b)'),
    ('LOADI32', 'BSS', 'R(a) = mrb_int((b<<16)+c)'),
    ('LOADSYM', 'BB', 'R(a) = Syms(b)'),
    ('LOADSYM16', 'BS', 'R(a) = Syms(b)'),
    ('LOADNIL', 'B', 'R(a) = nil'),
    ('LOADSELF', 'B', 'R(a) = self'),
    ('LOADT', 'B', 'R(a) = true'),
    ('LOADF', 'B', 'R(a) = false'),
    ('GETGV', 'BB', 'R(a) = getglobal(Syms(b))'),
    ('SETGV', 'BB', 'setglobal(Syms(b), R(a))'),
    ('GETSV', 'BB', 'R(a) = Special[Syms(b)]'),
    ('SETSV', 'BB', 'Special[Syms(b)] = R(a)'),
    ('GETIV', 'BB', 'R(a) = ivget(Syms(b))'),
    ('SETIV', 'BB', 'ivset(Syms(b),R(a))'),
    ('GETCV', 'BB', 'R(a) = cvget(Syms(b))'),
    ('SETCV', 'BB', 'cvset(Syms(b),R(a))'),
    ('GETCONST', 'BB', 'R(a) = constget(Syms(b))'),
    ('SETCONST', 'BB', 'constset(Syms(b),R(a))'),
    ('GETMCNST', 'BB', 'R(a) = R(a)::Syms(b)'),
    ('SETMCNST', 'BB', 'R(a+1)::Syms(b) = R(a)'),
    ('GETUPVAR', 'BBB', 'R(a) = uvget(b,c)'),
    ('SETUPVAR', 'BBB', 'uvset(b,c,R(a))'),
    ('JMP', 'S', 'pc+=a'),
    ('JMPIF', 'BS', 'if R(a) pc+=b'),
    ('JMPNOT', 'BS', 'if !R(a) pc+=b'),
    ('JMPNIL', 'BS', 'if R(a)==nil pc+=b'),
    ('JMPUW', 'S', 'unwind_and_jump_to(a)'),
    ('EXCEPT', 'B', 'R(a) = exc'),
    ('RESCUE', 'BB', 'R(b) = R(a).isa?(R(b))'),
    ('RAISEIF', 'B', 'raise(R(a)) if R(a)'),
    ('SENDV', 'BB', 'R(a) = call(R(a),Syms(b),*R(a+1))'),
    ('SENDVB', 'BB', 'R(a) = call(R(a),Syms(b),*R(a+1),&R(a+2))'),
    ('SEND', 'BBB', 'R(a) = call(R(a),Syms(b),R(a+1),...,R(a+c))'),
    ('SENDB', 'BBB', 'R(a) = call(R(a),Syms(b),R(a+1),...,R(a+c),&R(a+c+1))'),
    ('SENDVK', 'BB', 'R(a) = call(R(a),Syms(b),*R(a+1),**(a+2),&R(a+3)) # todo'),
    ('CALL', 'Z', 'R(0) = self.call(frame.argc, frame.argv)'),
    ('SUPER', 'BB', 'R(a) = super(R(a+1),... ,R(a+b+1))'),
    ('ARGARY', 'BS', 'R(a) = argument array (16=m5:r1:m5:d1:lv4)'),
    ('ENTER', 'W', 'arg setup according to flags (23=m5:o5:r1:m5:k5:d1:b1)'),
    ('KEY_P', 'BB', 'R(a) = kdict.key?(Syms(b))'),
    ('KEYEND', 'Z', 'raise unless kdict.empty?'),
    ('KARG', 'BB', 'R(a) = kdict[Syms(b)]; kdict.delete(Syms(b))'),
    ('RETURN', 'B', 'return R(a) (normal)'),
    ('RETURN_BLK', 'B', 'return R(a) (in-block return)'),
    ('BREAK', 'B', 'break R(a)'),
    ('BLKPUSH', 'BS', 'R(a) = block (16=m5:r1:m5:d1:lv4)'),
    ('ADD', 'B', 'R(a) = R(a)+R(a+1)'),
    ('ADDI', 'BB', 'R(a) = R(a)+mrb_int(b)'),
    ('SUB', 'B', 'R(a) = R(a)-R(a+1)'),
    ('SUBI', 'BB', 'R(a) = R(a)-mrb_int(b)'),
    ('MUL', 'B', 'R(a) = R(a)*R(a+1)'),
    ('DIV', 'B', 'R(a) = R(a)/R(a+1)'),
    ('EQ', 'B', 'R(a) = R(a)==R(a+1)'),
    ('LT', 'B', 'R(a) = R(a)<R(a+1)'),
    ('LE', 'B', 'R(a) = R(a)<=R(a+1)'),
    ('GT', 'B', 'R(a) = R(a)>R(a+1)'),
    ('GE', 'B', 'R(a) = R(a)>=R(a+1)'),
    ('ARRAY', 'BB', 'R(a) = ary_new(R(a),R(a+1)..R(a+b))'),
    ('ARRAY2', 'BBB', 'R(a) = ary_new(R(b),R(b+1)..R(b+c))'),
    ('ARYCAT', 'B', 'ary_cat(R(a),R(a+1))'),
    ('ARYPUSH', 'B', 'ary_push(R(a),R(a+1))'),
    ('ARYDUP', 'B', 'R(a) = ary_dup(R(a))'),
    ('AREF', 'BBB', 'R(a) = R(b)[c]'),
    ('ASET', 'BBB', 'R(a)[c] = R(b)'),
    ('APOST', 'BBB', '*R(a),R(a+1)..R(a+c) = R(a)[b..]'),
    ('INTERN', 'B', 'R(a) = intern(R(a))'),
    ('STRING', 'BB', 'R(a) = str_dup(Lit(b))'),
    ('STRING16', 'BS', 'R(a) = str_dup(Lit(b))'),
    ('STRCAT', 'B', 'str_cat(R(a),R(a+1))'),
    ('HASH', 'BB', 'R(a) = hash_new(R(a),R(a+1)..R(a+b*2-1))'),
    ('HASHADD', 'BB', 'R(a) = hash_push(R(a),R(a+1)..R(a+b*2))'),
    ('HASHCAT', 'B', 'R(a) = hash_cat(R(a),R(a+1))'),
    ('LAMBDA', 'BB', 'R(a) = lambda(SEQ[b],L_LAMBDA)'),
    ('LAMBDA16', 'BS', 'R(a) = lambda(SEQ[b],L_LAMBDA)'),
    ('BLOCK', 'BB', 'R(a) = lambda(SEQ[b],L_BLOCK)'),
    ('BLOCK16', 'BS', 'R(a) = lambda(SEQ[b],L_BLOCK)'),
    ('METHOD', 'BB', 'R(a) = lambda(SEQ[b],L_METHOD)'),
    ('METHOD16', 'BS', 'R(a) = lambda(SEQ[b],L_METHOD)'),
    ('RANGE_INC', 'B', 'R(a) = range_new(R(a),R(a+1),FALSE)'),
    ('RANGE_EXC', 'B', 'R(a) = range_new(R(a),R(a+1),TRUE)'),
    ('OCLASS', 'B', 'R(a) = ::Object'),
    ('CLASS', 'BB', 'R(a) = newclass(R(a),Syms(b),R(a+1))'),
    ('MODULE', 'BB', 'R(a) = newmodule(R(a),Syms(b))'),
    ('EXEC', 'BB', 'R(a) = blockexec(R(a),SEQ[b])'),
    ('EXEC16', 'BS', 'R(a) = blockexec(R(a),SEQ[b])'),
    ('DEF', 'BB', 'R(a).newmethod(Syms(b),R(a+1))'),
    ('ALIAS', 'BB', 'alias_method(target_class,Syms(a),Syms(b))'),
    ('UNDEF', 'B', 'undef_method(target_class,Syms(a))'),
    ('SCLASS', 'B', 'R(a) = R(a).singleton_class'),
    ('TCLASS', 'B', 'R(a) = target_class'),
    ('DEBUG', 'BBB', 'print a,b,c'),
    ('ERR', 'B', 'raise(LocalJumpError, Lit(a))'),
    ('STOP', 'Z', 'stop VM'),
)

# include/mruby/ops.h of mruby 3.1.0
OPS_H_3_1 = (
    ('NOP', 'Z', 'no operation'),
    ('MOVE', 'BB', 'R[a] = R[b]'),
    ('LOADL', 'BB', 'R[a] = Pool[b]'),
    ('LOADI', 'BB', 'R[a] = mrb_int(b)'),
    ('LOADINEG', 'BB', 'R[a] = mrb_int(-b)'),
    ('LOADI__1', 'B', 'R[a] = mrb_int(-1)'),
    ('LOADI_0', 'B', 'R[a] = mrb_int(0)'),
    ('LOADI_1', 'B', 'R[a] = mrb_int(1)'),
    ('LOADI_2', 'B', 'R[a] = mrb_int(2)'),
    ('LOADI_3', 'B', 'R[a] = mrb_int(3)'),
    ('LOADI_4', 'B', 'R[a] = mrb_int(4)'),
    ('LOADI_5', 'B', 'R[a] = mrb_int(5)'),
    ('LOADI_6', 'B', 'R[a] = mrb_int(6)'),
    ('LOADI_7', 'B', 'R[a] = mrb_int(7)'),
    ('LOADI16', 'BS', 'R[a] = mrb_int(b)'),
    ('LOADI32', 'BSS', 'R[a] = mrb_int((b<<16)+c)'),
    ('LOADSYM', 'BB', 'R[a] = Syms[b]'),
    ('LOADNIL', 'B', 'R[a] = nil'),
    ('LOADSELF', 'B', 'R[a] = self'),
    ('LOADT', 'B', 'R[a] = true'),
    ('LOADF', 'B', 'R[a] = false'),
    ('GETGV', 'BB', 'R[a] = getglobal(Syms[b])'),
    ('SETGV', 'BB', 'setglobal(Syms[b], R[a])'),
    ('GETSV', 'BB', 'R[a] = Special[Syms[b]]'),
    ('SETSV', 'BB', 'Special[Syms[b]] = R[a]'),
    ('GETIV', 'BB', 'R[a] = ivget(Syms[b])'),
    ('SETIV', 'BB', 'ivset(Syms[b],R[a])'),
    ('GETCV', 'BB', 'R[a] = cvget(Syms[b])'),
    ('SETCV', 'BB', 'cvset(Syms[b],R[a])'),
    ('GETCONST', 'BB', 'R[a] = constget(Syms[b])'),
    ('SETCONST', 'BB', 'constset(Syms[b],R[a])'),
    ('GETMCNST', 'BB', 'R[a] = R[a]::Syms[b]'),
    ('SETMCNST', 'BB', 'R[a+1]::Syms[b] = R[a]'),
    ('GETUPVAR', 'BBB', 'R[a] = uvget(b,c)'),
    ('SETUPVAR', 'BBB', 'uvset(b,c,R[a])'),
    ('GETIDX', 'B', 'R[a] = R[a][R[a+1]]'),
    ('SETIDX', 'B', 'R[a][R[a+1]] = R[a+2]'),
    ('JMP', 'S', 'pc+=a'),
    ('JMPIF', 'BS', 'if R[a] pc+=b'),
    ('JMPNOT', 'BS', 'if !R[a] pc+=b'),
    ('JMPNIL', 'BS', 'if R[a]==nil pc+=b'),
    ('JMPUW', 'S', 'unwind_and_jump_to(a)'),
    ('EXCEPT', 'B', 'R[a] = exc'),
    ('RESCUE', 'BB', 'R[b] = R[a].isa?(R[b])'),
    ('RAISEIF', 'B', 'raise(R[a]) if R[a]'),
    ('SSEND', 'BBB', 'R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)'),
    ('SSENDB', 'BBB', 'R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])'),
    ('SEND', 'BBB', 'R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)'),
    ('SENDB', 'BBB', 'R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])'),
    ('CALL', 'Z', 'R[0] = self.call(frame.argc, frame.argv)'),
    ('SUPER', 'BB', 'R[a] = super(R[a+1],... ,R[a+b+1])'),
    ('ARGARY', 'BS', 'R[a] = argument array (16=m5:r1:m5:d1:lv4)'),
    ('ENTER', 'W', 'arg setup according to flags (23=m5:o5:r1:m5:k5:d1:b1)'),
    ('KEY_P', 'BB', 'R[a] = kdict.key?(Syms[b])'),
    ('KEYEND', 'Z', 'raise unless kdict.empty?'),
    ('KARG', 'BB', 'R[a] = kdict[Syms[b]]; kdict.delete(Syms[b])'),
    ('RETURN', 'B', 'return R[a] (normal)'),
    ('RETURN_BLK', 'B', 'return R[a] (in-block return)'),
    ('BREAK', 'B', 'break R[a]'),
    ('BLKPUSH', 'BS', 'R[a] = block (16=m5:r1:m5:d1:lv4)'),
    ('ADD', 'B', 'R[a] = R[a]+R[a+1]'),
    ('ADDI', 'BB', 'R[a] = R[a]+mrb_int(b)'),
    ('SUB', 'B', 'R[a] = R[a]-R[a+1]'),
    ('SUBI', 'BB', 'R[a] = R[a]-mrb_int(b)'),
    ('MUL', 'B', 'R[a] = R[a]*R[a+1]'),
    ('DIV', 'B', 'R[a] = R[a]/R[a+1]'),
    ('EQ', 'B', 'R[a] = R[a]==R[a+1]'),
    ('LT', 'B', 'R[a] = R[a]<R[a+1]'),
    ('LE', 'B', 'R[a] = R[a]<=R[a+1]'),
    ('GT', 'B', 'R[a] = R[a]>R[a+1]'),
    ('GE', 'B', 'R[a] = R[a]>=R[a+1]'),
    ('ARRAY', 'BB', 'R[a] = ary_new(R[a],R[a+1]..R[a+b])'),
    ('ARRAY2', 'BBB', 'R[a] = ary_new(R[b],R[b+1]..R[b+c])'),
    ('ARYCAT', 'B', 'ary_cat(R[a],R[a+1])'),
    ('ARYPUSH', 'BB', 'ary_push(R[a],R[a+1]..R[a+b])'),
    ('ARYDUP', 'B', 'R[a] = ary_dup(R[a])'),
    ('AREF', 'BBB', 'R[a] = R[b][c]'),
    ('ASET', 'BBB', 'R[b][c] = R[a]'),
    ('APOST', 'BBB', '*R[a],R[a+1]..R[a+c] = R[a][b..]'),
    ('INTERN', 'B', 'R[a] = intern(R[a])'),
    ('SYMBOL', 'BB', 'R[a] = intern(Pool[b])'),
    ('STRING', 'BB', 'R[a] = str_dup(Pool[b])'),
    ('STRCAT', 'B', 'str_cat(R[a],R[a+1])'),
    ('HASH', 'BB', 'R[a] = hash_new(R[a],R[a+1]..R[a+b*2-1])'),
    ('HASHADD', 'BB', 'hash_push(R[a],R[a+1]..R[a+b*2])'),
    ('HASHCAT', 'B', 'R[a] = hash_cat(R[a],R[a+1])'),
    ('LAMBDA', 'BB', 'R[a] = lambda(Irep[b],L_LAMBDA)'),
    ('BLOCK', 'BB', 'R[a] = lambda(Irep[b],L_BLOCK)'),
    ('METHOD', 'BB', 'R[a] = lambda(Irep[b],L_METHOD)'),
    ('RANGE_INC', 'B', 'R[a] = range_new(R[a],R[a+1],FALSE)'),
    ('RANGE_EXC', 'B', 'R[a] = range_new(R[a],R[a+1],TRUE)'),
    ('OCLASS', 'B', 'R[a] = ::Object'),
    ('CLASS', 'BB', 'R[a] = newclass(R[a],Syms[b],R[a+1])'),
    ('MODULE', 'BB', 'R[a] = newmodule(R[a],Syms[b])'),
    ('EXEC', 'BB', 'R[a] = blockexec(R[a],Irep[b])'),
    ('DEF', 'BB', 'R[a].newmethod(Syms[b],R[a+1]); R[a] = Syms[b]'),
    ('ALIAS', 'BB', 'alias_method(target_class,Syms[a],Syms[b])'),
    ('UNDEF', 'B', 'undef_method(target_class,Syms[a])'),
    ('SCLASS', 'B', 'R[a] = R[a].singleton_class'),
    ('TCLASS', 'B', 'R[a] = target_class'),
    ('DEBUG', 'BBB', 'print a,b,c'),
    ('ERR', 'B', 'raise(LocalJumpError, Pool[a])'),
    ('EXT1', 'Z', 'make 1st operand (a) 16bit'),
    ('EXT2', 'Z', 'make 2nd operand (b) 16bit'),
    ('EXT3', 'Z', 'make 1st and 2nd operands 16bit'),
    ('STOP', 'Z', 'stop VM'),
)

# include/mruby/ops.h of mruby 4.0.0
OPS_H_4_0 = (
    ('NOP', 'Z', 'no operation'),
    ('MOVE', 'BB', 'R[a] = R[b]'),
    ('LOADL', 'BB', 'R[a] = Pool[b]'),
    ('LOADI8', 'BB', 'R[a] = mrb_int(b)'),
    ('LOADINEG', 'BB', 'R[a] = mrb_int(-b)'),
    ('LOADI__1', 'B', 'R[a] = mrb_int(-1)'),
    ('LOADI_0', 'B', 'R[a] = mrb_int(0)'),
    ('LOADI_1', 'B', 'R[a] = mrb_int(1)'),
    ('LOADI_2', 'B', 'R[a] = mrb_int(2)'),
    ('LOADI_3', 'B', 'R[a] = mrb_int(3)'),
    ('LOADI_4', 'B', 'R[a] = mrb_int(4)'),
    ('LOADI_5', 'B', 'R[a] = mrb_int(5)'),
    ('LOADI_6', 'B', 'R[a] = mrb_int(6)'),
    ('LOADI_7', 'B', 'R[a] = mrb_int(7)'),
    ('LOADI16', 'BS', 'R[a] = mrb_int(b)'),
    ('LOADI32', 'BSS', 'R[a] = mrb_int((b<<16)+c)'),
    ('LOADSYM', 'BB', 'R[a] = Syms[b]'),
    ('LOADNIL', 'B', 'R[a] = nil'),
    ('LOADSELF', 'B', 'R[a] = self'),
    ('LOADTRUE', 'B', 'R[a] = true'),
    ('LOADFALSE', 'B', 'R[a] = false'),
    ('GETGV', 'BB', 'R[a] = getglobal(Syms[b])'),
    ('SETGV', 'BB', 'setglobal(Syms[b], R[a])'),
    ('GETSV', 'BB', 'R[a] = Special[Syms[b]]'),
    ('SETSV', 'BB', 'Special[Syms[b]] = R[a]'),
    ('GETIV', 'BB', 'R[a] = ivget(Syms[b])'),
    ('SETIV', 'BB', 'ivset(Syms[b],R[a])'),
    ('GETCV', 'BB', 'R[a] = cvget(Syms[b])'),
    ('SETCV', 'BB', 'cvset(Syms[b],R[a])'),
    ('GETCONST', 'BB', 'R[a] = constget(Syms[b])'),
    ('SETCONST', 'BB', 'constset(Syms[b],R[a])'),
    ('GETMCNST', 'BB', 'R[a] = R[a]::Syms[b]'),
    ('SETMCNST', 'BB', 'R[a+1]::Syms[b] = R[a]'),
    ('GETUPVAR', 'BBB', 'R[a] = uvget(b,c)'),
    ('SETUPVAR', 'BBB', 'uvset(b,c,R[a])'),
    ('GETIDX', 'B', 'R[a] = R[a][R[a+1]]'),
    ('GETIDX0', 'BB', 'R[a] = R[b][0]; a+1 for method call'),
    ('SETIDX', 'B', 'R[a][R[a+1]] = R[a+2]'),
    ('JMP', 'S', 'pc+=a'),
    ('JMPIF', 'BS', 'if R[a] pc+=b'),
    ('JMPNOT', 'BS', 'if !R[a] pc+=b'),
    ('JMPNIL', 'BS', 'if R[a]==nil pc+=b'),
    ('JMPUW', 'S', 'unwind_and_jump_to(a)'),
    ('EXCEPT', 'B', 'R[a] = exc'),
    ('RESCUE', 'BB', 'R[b] = R[a].isa?(R[b])'),
    ('RAISEIF', 'B', 'raise(R[a]) if R[a]'),
    ('MATCHERR', 'B', 'raise NoMatchingPatternError unless R[a]'),
    ('SSEND', 'BBB', 'R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)'),
    ('SSEND0', 'BB', 'R[a] = self.send(Syms[b]) (no args)'),
    ('SSENDB', 'BBB', 'R[a] = self.send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])'),
    ('SEND', 'BBB', 'R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..) (c=n|k<<4)'),
    ('SEND0', 'BB', 'R[a] = R[a].send(Syms[b]) (no args)'),
    ('SENDB', 'BBB', 'R[a] = R[a].send(Syms[b],R[a+1]..,R[a+n+1]:R[a+n+2]..,&R[a+n+2k+1])'),
    ('CALL', 'Z', 'self.call(*, **, &) (But overlay the current call frame; tailcall)'),
    ('BLKCALL', 'BB', 'R[a] = R[a].call(R[a+1],... ,R[a+b]); direct block call'),
    ('SUPER', 'BB', 'R[a] = super(R[a+1],... ,R[a+b+1])'),
    ('ARGARY', 'BS', 'R[a] = argument array (16=m5:r1:m5:d1:lv4)'),
    ('ENTER', 'W', 'arg setup according to flags (24=n1:m5:o5:r1:m5:k5:d1:b1)'),
    ('KEY_P', 'BB', 'R[a] = kdict.key?(Syms[b])'),
    ('KEYEND', 'Z', 'raise unless kdict.empty?'),
    ('KARG', 'BB', 'R[a] = kdict[Syms[b]]; kdict.delete(Syms[b])'),
    ('RETURN', 'B', 'return R[a] (normal)'),
    ('RETURN_BLK', 'B', 'return R[a] (in-block return)'),
    ('RETSELF', 'Z', 'return self'),
    ('RETNIL', 'Z', 'return nil'),
    ('RETTRUE', 'Z', 'return true'),
    ('RETFALSE', 'Z', 'return false'),
    ('BREAK', 'B', 'break R[a]'),
    ('BLKPUSH', 'BS', 'R[a] = block (16=m5:r1:m5:d1:lv4)'),
    ('ADD', 'B', 'R[a] = R[a]+R[a+1]'),
    ('ADDI', 'BB', 'R[a] = R[a]+mrb_int(b)'),
    ('SUB', 'B', 'R[a] = R[a]-R[a+1]'),
    ('SUBI', 'BB', 'R[a] = R[a]-mrb_int(b)'),
    ('ADDILV', 'BBB', 'R[a] = R[a]+mrb_int(c); R[b],R[b+1] for method call'),
    ('SUBILV', 'BBB', 'R[a] = R[a]-mrb_int(c); R[b],R[b+1] for method call'),
    ('MUL', 'B', 'R[a] = R[a]*R[a+1]'),
    ('DIV', 'B', 'R[a] = R[a]/R[a+1]'),
    ('EQ', 'B', 'R[a] = R[a]==R[a+1]'),
    ('LT', 'B', 'R[a] = R[a]<R[a+1]'),
    ('LE', 'B', 'R[a] = R[a]<=R[a+1]'),
    ('GT', 'B', 'R[a] = R[a]>R[a+1]'),
    ('GE', 'B', 'R[a] = R[a]>=R[a+1]'),
    ('ARRAY', 'BB', 'R[a] = ary_new(R[a],R[a+1]..R[a+b])'),
    ('ARRAY2', 'BBB', 'R[a] = ary_new(R[b],R[b+1]..R[b+c])'),
    ('ARYCAT', 'B', 'ary_cat(R[a],R[a+1])'),
    ('ARYPUSH', 'BB', 'ary_push(R[a],R[a+1]..R[a+b])'),
    ('ARYSPLAT', 'B', 'R[a] = ary_splat(R[a])'),
    ('AREF', 'BBB', 'R[a] = R[b][c]'),
    ('ASET', 'BBB', 'R[b][c] = R[a]'),
    ('APOST', 'BBB', '*R[a],R[a+1]..R[a+c] = R[a][b..]'),
    ('INTERN', 'B', 'R[a] = intern(R[a])'),
    ('SYMBOL', 'BB', 'R[a] = intern(Pool[b])'),
    ('STRING', 'BB', 'R[a] = str_dup(Pool[b])'),
    ('STRCAT', 'B', 'str_cat(R[a],R[a+1])'),
    ('HASH', 'BB', 'R[a] = hash_new(R[a],R[a+1]..R[a+b*2-1])'),
    ('HASHADD', 'BB', 'hash_push(R[a],R[a+1]..R[a+b*2])'),
    ('HASHCAT', 'B', 'R[a] = hash_cat(R[a],R[a+1])'),
    ('LAMBDA', 'BB', 'R[a] = lambda(Irep[b],L_LAMBDA)'),
    ('BLOCK', 'BB', 'R[a] = lambda(Irep[b],L_BLOCK)'),
    ('METHOD', 'BB', 'R[a] = lambda(Irep[b],L_METHOD)'),
    ('RANGE_INC', 'B', 'R[a] = range_new(R[a],R[a+1],FALSE)'),
    ('RANGE_EXC', 'B', 'R[a] = range_new(R[a],R[a+1],TRUE)'),
    ('OCLASS', 'B', 'R[a] = ::Object'),
    ('CLASS', 'BB', 'R[a] = newclass(R[a],Syms[b],R[a+1])'),
    ('MODULE', 'BB', 'R[a] = newmodule(R[a],Syms[b])'),
    ('EXEC', 'BB', 'R[a] = blockexec(R[a],Irep[b])'),
    ('DEF', 'BB', 'R[a].newmethod(Syms[b],R[a+1]); R[a] = Syms[b]'),
    ('TDEF', 'BBB', 'target_class.newmethod(Syms[b],Irep[c]); R[a] = Syms[b]'),
    ('SDEF', 'BBB', 'R[a].singleton_class.newmethod(Syms[b],Irep[c]); R[a] = Syms[b]'),
    ('ALIAS', 'BB', 'alias_method(target_class,Syms[a],Syms[b])'),
    ('UNDEF', 'B', 'undef_method(target_class,Syms[a])'),
    ('SCLASS', 'B', 'R[a] = R[a].singleton_class'),
    ('TCLASS', 'B', 'R[a] = target_class'),
    ('DEBUG', 'BBB', 'print a,b,c'),
    ('ERR', 'B', 'raise(LocalJumpError, Pool[a])'),
    ('EXT1', 'Z', 'make 1st operand (a) 16bit'),
    ('EXT2', 'Z', 'make 2nd operand (b) 16bit'),
    ('EXT3', 'Z', 'make 1st and 2nd operands 16bit'),
    ('STOP', 'Z', 'stop VM'),
)

# Operand layouts of ops.h: the width in bytes of each operand, in order.
LAYOUTS: dict[str, tuple[int, ...]] = {
    "Z": (),
    "B": (1,),
    "BB": (1, 1),
    "BBB": (1, 1, 1),
    "BS": (1, 2),
    "BSS": (1, 2, 2),
    "S": (2,),
    "W": (3,),
}

# Which operands an EXT prefix widens to 16 bits (FETCH_*_1/2/3 in ops.h):
# EXT1 widens a, EXT2 widens b, EXT3 widens a and b; only 8-bit operands
# change, so S, W and Z layouts are unaffected.
EXT_WIDENS: dict[str, tuple[bool, bool]] = {
    "EXT1": (True, False),
    "EXT2": (False, True),
    "EXT3": (True, True),
}


class Opcode:
    """One row of an opcode table: number, name, operand layout, semantics."""

    __slots__ = ("number", "name", "layout", "summary", "widths")

    def __init__(self, number: int, name: str, layout: str, summary: str):
        self.number = number
        self.name = name
        self.layout = layout
        self.summary = summary
        self.widths = LAYOUTS[layout]

    def operand_widths(self, ext: str | None) -> tuple[int, ...]:
        """Operand byte widths after an optional EXT1/EXT2/EXT3 prefix."""
        if ext is None or not self.widths or self.layout in ("S", "W"):
            return self.widths
        wide_a, wide_b = EXT_WIDENS[ext]
        widths = list(self.widths)
        if wide_a and widths[0] == 1:
            widths[0] = 2
        if wide_b and len(widths) > 1 and widths[1] == 1:
            widths[1] = 2
        return tuple(widths)

    def __repr__(self) -> str:
        return f"Opcode({self.number}, {self.name!r}, {self.layout!r})"


class OpcodeTable:
    """The opcodes of one ops.h, by number and by name."""

    def __init__(self, rows):
        self.by_number: tuple[Opcode, ...] = tuple(
            Opcode(i, name, layout, summary) for i, (name, layout, summary) in enumerate(rows)
        )
        self.by_name: dict[str, Opcode] = {op.name: op for op in self.by_number}

    def __len__(self) -> int:
        return len(self.by_number)

    def __iter__(self):
        return iter(self.by_number)

    def __getitem__(self, key: int | str) -> Opcode:
        if isinstance(key, str):
            return self.by_name[key]
        return self.by_number[key]

    def get(self, number: int) -> Opcode | None:
        return self.by_number[number] if 0 <= number < len(self.by_number) else None

    def number(self, name: str) -> int:
        return self.by_name[name].number

    @property
    def ext_prefixes(self) -> frozenset[int]:
        return frozenset(self.by_name[n].number for n in EXT_WIDENS if n in self.by_name)


def table_for(format_version: str) -> OpcodeTable:
    """The opcode table of a format version (the four digits after RITE):
    the ``opcodes`` of its record in ``riteload.versions``."""
    # imported here: riteload.versions builds its tables from this module
    from .versions import rite_version
    return rite_version(format_version).opcodes
