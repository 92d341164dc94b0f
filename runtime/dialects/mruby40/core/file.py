"""mruby 4.0: File's path methods, which 4.0.0 wrote in C (mruby-io's
``src/file.c``) where 3.1 had mrblib Ruby or the C library's functions.

- ``dirname(path, level = 1)`` and ``basename(path, suffix = nil)`` scan the
  bytes themselves (``//`` is ``/``'s dirname, ``//a//b//``'s is ``/a``);
- ``expand_path``/``absolute_path`` split the working folder, the base and
  the path into components (``path_split``): a relative base is taken from
  the working folder, ``~`` and ``~user`` from the home folder
  (``expand_path`` only); ``File._getwd``, ``_gethome`` and ``_concat_path``
  are gone;
- ``join`` flattens Arrays (``recursive array``), takes Strings only
  (``Integer cannot be converted to String``) and keeps one separator
  between names;
- File#inspect is ``<File:path>`` (mrblib), ``atime``/``ctime`` join
  ``mtime``.
"""

from __future__ import annotations

import os
import pwd

from runtime import abi
from runtime.core.file import _fd_of
from runtime.core.io import cstr, str_arg, sys_fail
from runtime.core.support import as_int
from runtime.defs import method, smethod

NIL = abi.NIL
SEP = b"/"

REMOVED = (("File.", "_getwd"), ("File.", "_gethome"), ("File.", "_concat_path"))


def _z(vm, w) -> bytes:
    """mrb_get_args "z"."""
    return cstr(vm, str_arg(vm, w))


@smethod("File", "dirname", arity=(1, 2))
def file_s_dirname(vm, self, args, blk):
    """mrb_file_dirname: leading separators become one, then ``level``
    trailing components go (scan_dirname)."""
    path = _z(vm, args[0])
    level = as_int(vm, args[1]) if len(args) > 1 else 1
    if level < 0:
        vm.raise_error(vm.c_ArgumentError, f"negative level: {level}")
    start = len(path) - len(path.lstrip(SEP))
    head = max(start - 1, 0)            # a run of leading separators counts as one
    p = len(path)
    if level >= 1:
        while p > start and path[p - 1:p] == SEP:
            p -= 1
        for _ in range(level):
            while p > start and path[p - 1:p] != SEP:
                p -= 1
            while p > start and path[p - 1:p] == SEP:
                p -= 1
        if p <= start:
            p = start
    return vm.str_new(b"." if p == head else path[head:p])


@smethod("File", "basename", arity=(1, 2))
def file_s_basename(vm, self, args, blk):
    """mrb_file_basename: the last component, less ``suffix`` when it ends so."""
    path = _z(vm, args[0])
    suffix = _z(vm, args[1]) if len(args) > 1 and args[1] != NIL else b""
    if not path:
        return vm.str_new(b".")
    n = len(path)
    while n > 1 and path[n - 1:n] == SEP:
        n -= 1
    base = path.rfind(SEP, 0, n) + 1
    if base == n:
        return vm.str_new(SEP)
    r = path[base:n]
    if suffix and len(r) > len(suffix) and r.endswith(suffix):
        r = r[:-len(suffix)]
    return vm.str_new(r)


@smethod("File", "extname", arity=1)
def file_s_extname(vm, self, args, blk):
    """mrb_file_extname: from the basename's last "." ("" for a dotfile)."""
    path = _z(vm, args[0])
    n = len(path)
    while n > 1 and path[n - 1:n] == SEP:
        n -= 1
    base = path.rfind(SEP, 0, n) + 1
    dot = path.rfind(b".", base, n)
    if not path or base == n or dot <= base:
        return vm.str_new(b"")
    return vm.str_new(path[dot:n])


@smethod("File", "path", arity=1)
def file_s_path(vm, self, args, blk):
    """mrb_file_path: the String itself ("S")."""
    return str_arg(vm, args[0])


def _join_names(vm, items, seen) -> list:
    """mrb_file_join_process_args: Arrays flattened, Strings only (words)."""
    out = []
    for w in items:
        if vm.is_ary(w):
            if w in seen:
                vm.raise_error(vm.c_ArgumentError, "recursive array")
            out += _join_names(vm, list(vm.obj(w).items), seen | {w})
        else:
            out.append(str_arg(vm, w))
    return out


@smethod("File", "join", arity=-1)
def file_s_join(vm, self, args, blk):
    """mrb_file_join: one separator between names (middle names lose one
    leading and one trailing separator, empty ones are skipped)."""
    words = _join_names(vm, args, frozenset())
    if not words:
        return vm.str_new(b"")
    if len(words) == 1:
        return words[0]
    names = [vm.str_bytes(w) for w in words]
    out = names[0][:-1] if names[0].endswith(SEP) else names[0]
    for c in names[1:-1]:
        c = c[1:] if c.startswith(SEP) else c
        c = c[:-1] if c.endswith(SEP) else c
        if c:
            out += SEP + c
    last = names[-1]
    return vm.str_new(out + SEP + (last[1:] if last.startswith(SEP) else last))


# ------------------------------------------------------------ expand_path
def _gethome(vm, path: bytes):
    """path_gethome: the home folder of ``~`` or ``~user``, and the rest of
    ``path`` after its separators."""
    end = path.find(SEP)
    end = len(path) if end < 0 else end
    user = path[1:end]
    if not user:
        home = os.environ.get("HOME")
        if home is None:
            vm.raise_error(vm.c_ArgumentError, "couldn't find HOME environment -- expanding '~'")
        if not home.startswith("/"):
            vm.raise_error(vm.c_ArgumentError, "non-absolute home")
    else:
        name = user.decode("utf-8", "surrogateescape")
        try:
            home = pwd.getpwnam(name).pw_dir
        except KeyError:
            vm.raise_error(vm.c_ArgumentError, f"user {name} doesn't exist")
        if not home.startswith("/"):
            vm.raise_error(vm.c_ArgumentError, f"non-absolute home of ~{name}")
    return os.fsencode(home), path[end:].lstrip(SEP)


def _getwd(vm) -> bytes:
    try:
        return os.getcwdb()
    except OSError:
        sys_fail(vm, "getcwd(2)")


def _parse(parts: list, path: bytes) -> None:
    """path_parse: ``path``'s components onto ``parts`` (an absolute path
    starts over; "." is skipped, ".." drops one)."""
    if path.startswith(SEP):
        del parts[:]
    for c in path.split(SEP):
        if not c or c == b".":
            continue
        if c == b"..":
            if parts:
                parts.pop()
        else:
            parts.append(c)


def path_expand(vm, path: bytes, base: bytes, tilde: bool) -> bytes:
    """path_expand: ``path`` against ``base`` (and the working folder)."""
    parts: list = []
    if tilde and path.startswith(b"~"):
        home, path = _gethome(vm, path)
        _parse(parts, home)
    elif not path.startswith(SEP):
        if tilde and base.startswith(b"~"):
            home, base = _gethome(vm, base)
            _parse(parts, home)
        elif not base.startswith(SEP):
            _parse(parts, _getwd(vm))
        _parse(parts, base)
    _parse(parts, path)
    return b"".join(SEP + c for c in parts) or SEP


def _expand(vm, args, tilde):
    path = _z(vm, args[0])
    base = _z(vm, args[1]) if len(args) > 1 else b"."
    return vm.str_new(path_expand(vm, path, base, tilde))


@smethod("File", "expand_path", arity=(1, 2))
def file_s_expand_path(vm, self, args, blk):
    return _expand(vm, args, True)


@smethod("File", "absolute_path", arity=(1, 2))
def file_s_absolute_path(vm, self, args, blk):
    return _expand(vm, args, False)


@smethod("File", "absolute_path?", arity=1)
def file_s_absolute_path_p(vm, self, args, blk):
    return vm.bool(cstr(vm, str_arg(vm, args[0])).startswith(SEP))


# -------------------------------------------------------------- instances
@method("File", "inspect", arity=0)
def file_inspect(vm, self, args, blk):
    """mrblib: ``"<#{self.class}:#{@path}>"``."""
    cls = vm.class_name(vm.real_class(self)).encode()
    path = vm.str_bytes(vm.obj_as_string(vm.ivar_get(self, vm.intern("@path"))))
    return vm.str_new(b"<" + cls + b":" + path + b">")


def _stat_time(field):
    def fn(vm, self, args, blk):
        fd = _fd_of(vm, self)
        try:
            return vm.int_new(int(getattr(os.fstat(fd), field)))
        except OSError:
            sys_fail(vm, field[3:])
    fn.__name__ = fn.__qualname__ = "file__" + field[3:]
    return fn


method("File", "_atime", arity=0)(_stat_time("st_atime"))
method("File", "_ctime", arity=0)(_stat_time("st_ctime"))


def _time_of(name):
    """mrblib: ``t = self._NAME; t && Time.at(t)``."""
    def fn(vm, self, args, blk):
        t = vm.funcall(self, "_" + name)
        return vm.funcall(vm.cls("Time").word, "at", [t]) if abi.truthy(t) else t
    fn.__name__ = fn.__qualname__ = "file_" + name
    return fn


method("File", "atime", arity=0)(_time_of("atime"))
method("File", "ctime", arity=0)(_time_of("ctime"))
