"""Addrinfo, BasicSocket, IPSocket, TCPSocket, TCPServer, UDPSocket, Socket,
Socket::Constants, Socket::Option, UNIXSocket, UNIXServer and SocketError:
the mruby-socket gem of mruby 3.1 (``src/socket.c``, ``mrblib/socket.rb``),
as Debian's build has it.

A socket is an IO (core/io.py): an RData whose ``IOPtr`` holds the socket's
descriptor, read and written by IO's own methods (``read``, ``gets``,
``write``, ``puts``, ``close``...) with read(2) and write(2), as mruby's
are.  The system calls socket.c makes are made through Python's ``socket``
module on that descriptor (a ``socket.socket`` wrapped around it for the
call and detached after, so the descriptor stays the program's) and
``os``.  Socket addresses are what mruby makes of them, the bytes of a
``struct sockaddr_in``, ``sockaddr_in6`` or ``sockaddr_un`` in a String
(``Socket.sockaddr_in``, ``getsockname``, ``Addrinfo#to_sockaddr``): the
module packs and unpacks them as Linux lays them out.

The methods mruby writes in Ruby (``TCPSocket#initialize``, ``Addrinfo#inspect``,
``UNIXServer#accept``...) are Python that follows ``mrblib/socket.rb``
line by line: every method call it makes is a call (so a program's
redefinition runs, and backtraces list the same frames: ``in _connect``,
``in initialize``, ``in foreach``, ``in each``...), ``super`` calls the
superclass's method, blocks are builtin procs named after the method they
are written in.

Errors are mruby's: Debian's mruby 3.1 has no ``SystemCallError``, so a
failed system call raises RuntimeError whose message is the call's name
(``connect`` for a refused connection, ``bind`` for an address in use,
``accept``, ``recv``...); getaddrinfo and getnameinfo raise SocketError
with the C library's message (``getaddrinfo: Servname not supported for
ai_socktype``).  Descriptors are left as mruby leaves them (a connection
that failed keeps the socket it made open), and are inheritable, as
socket(2) makes them.
"""

from __future__ import annotations

import contextlib
import os
import struct

from .. import abi
from ..defs import method, smethod
from ..errors import RubyError
from ..objects import RData
from .io import cstr, get_ptr, str_arg, sys_fail
from .support import as_int, rb_argc

NIL = abi.NIL
TRUE = abi.TRUE
FALSE = abi.FALSE

# socket.h, netdb.h, in.h and tcp.h of Linux as Debian's mruby 3.1 defines
# them in Socket::Constants (const.def; the ones Linux lacks are left out)
CONSTANTS = (
    ("AF_INET", 2), ("PF_INET", 2), ("AF_INET6", 10), ("PF_INET6", 10),
    ("AF_LOCAL", 1), ("PF_LOCAL", 1), ("AF_UNIX", 1), ("PF_UNIX", 1), ("AF_MAX", 46),
    ("AF_UNSPEC", 0), ("PF_UNSPEC", 0), ("AF_ROUTE", 16), ("PF_ROUTE", 16),
    ("AI_CANONNAME", 2), ("AI_NUMERICHOST", 4), ("AI_NUMERICSERV", 1024), ("AI_PASSIVE", 1),
    ("IP_ADD_MEMBERSHIP", 35), ("IP_ADD_SOURCE_MEMBERSHIP", 39), ("IP_BLOCK_SOURCE", 38),
    ("IP_DROP_MEMBERSHIP", 36), ("IP_DROP_SOURCE_MEMBERSHIP", 40), ("IP_FREEBIND", 15),
    ("IP_HDRINCL", 3), ("IP_IPSEC_POLICY", 16), ("IP_MINTTL", 21), ("IP_MSFILTER", 41),
    ("IP_MTU", 14), ("IP_MTU_DISCOVER", 10), ("IP_MULTICAST_ALL", 49),
    ("IP_MULTICAST_IF", 32), ("IP_MULTICAST_LOOP", 34), ("IP_MULTICAST_TTL", 33),
    ("IP_OPTIONS", 4), ("IP_ORIGDSTADDR", 20), ("IP_PASSSEC", 18), ("IP_PKTINFO", 8),
    ("IP_PKTOPTIONS", 9), ("IP_PMTUDISC_DO", 2), ("IP_PMTUDISC_DONT", 0),
    ("IP_PMTUDISC_PROBE", 3), ("IP_PMTUDISC_WANT", 1), ("IP_RECVERR", 11),
    ("IP_RECVOPTS", 6), ("IP_RECVORIGDSTADDR", 20), ("IP_RECVRETOPTS", 7),
    ("IP_RECVTOS", 13), ("IP_RECVTTL", 12), ("IP_RETOPTS", 7), ("IP_ROUTER_ALERT", 5),
    ("IP_TOS", 1), ("IP_TRANSPARENT", 19), ("IP_TTL", 2), ("IP_UNBLOCK_SOURCE", 37),
    ("IP_XFRM_POLICY", 17),
    ("IPV6_JOIN_GROUP", 20), ("IPV6_LEAVE_GROUP", 21), ("IPV6_MULTICAST_HOPS", 18),
    ("IPV6_MULTICAST_IF", 17), ("IPV6_MULTICAST_LOOP", 19), ("IPV6_UNICAST_HOPS", 16),
    ("IPV6_V6ONLY", 26),
    ("IPPROTO_AH", 51), ("IPPROTO_DSTOPTS", 60), ("IPPROTO_ESP", 50),
    ("IPPROTO_FRAGMENT", 44), ("IPPROTO_ICMP", 1), ("IPPROTO_ICMPV6", 58), ("IPPROTO_IP", 0),
    ("IPPROTO_IPV6", 41), ("IPPROTO_NONE", 59), ("IPPROTO_RAW", 255), ("IPPROTO_ROUTING", 43),
    ("IPPROTO_TCP", 6), ("IPPROTO_UDP", 17),
    ("MCAST_BLOCK_SOURCE", 43), ("MCAST_JOIN_GROUP", 42), ("MCAST_JOIN_SOURCE_GROUP", 46),
    ("MCAST_LEAVE_GROUP", 45), ("MCAST_LEAVE_SOURCE_GROUP", 47), ("MCAST_MSFILTER", 48),
    ("MCAST_UNBLOCK_SOURCE", 44),
    ("MSG_CTRUNC", 8), ("MSG_DONTROUTE", 4), ("MSG_DONTWAIT", 64), ("MSG_EOR", 128),
    ("MSG_NOSIGNAL", 16384), ("MSG_OOB", 1), ("MSG_PEEK", 2), ("MSG_TRUNC", 32),
    ("MSG_WAITALL", 256),
    ("NI_DGRAM", 16), ("NI_MAXHOST", 1025), ("NI_MAXSERV", 32), ("NI_NAMEREQD", 8),
    ("NI_NOFQDN", 4), ("NI_NUMERICHOST", 1), ("NI_NUMERICSERV", 2),
    ("SHUT_RD", 0), ("SHUT_WR", 1), ("SHUT_RDWR", 2),
    ("SO_BROADCAST", 6), ("SO_DEBUG", 1), ("SO_DONTROUTE", 5), ("SO_ERROR", 4),
    ("SO_KEEPALIVE", 9), ("SO_LINGER", 13), ("SO_OOBINLINE", 10), ("SO_PEERCRED", 17),
    ("SO_RCVBUF", 8), ("SO_RCVLOWAT", 18), ("SO_RCVTIMEO", 20), ("SO_REUSEADDR", 2),
    ("SO_REUSEPORT", 15), ("SO_SNDBUF", 7), ("SO_SNDLOWAT", 19), ("SO_SNDTIMEO", 21),
    ("SO_TIMESTAMP", 29), ("SO_TYPE", 3),
    ("SOCK_DGRAM", 2), ("SOCK_RAW", 3), ("SOCK_SEQPACKET", 5), ("SOCK_STREAM", 1),
    ("SOL_SOCKET", 1), ("SOL_IP", 0), ("SOL_TCP", 6),
    ("TCP_CONGESTION", 13), ("TCP_CORK", 3), ("TCP_DEFER_ACCEPT", 9), ("TCP_INFO", 11),
    ("TCP_KEEPCNT", 6), ("TCP_KEEPIDLE", 4), ("TCP_KEEPINTVL", 5), ("TCP_LINGER2", 8),
    ("TCP_MAXSEG", 2), ("TCP_MD5SIG", 14), ("TCP_NODELAY", 1), ("TCP_QUICKACK", 12),
    ("TCP_SYNCNT", 7), ("TCP_WINDOW_CLAMP", 10),
)
_C = dict(CONSTANTS)
AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6 = 0, 1, 2, 10
SOCK_STREAM, SOCK_DGRAM = _C["SOCK_STREAM"], _C["SOCK_DGRAM"]
IPPROTO_TCP, IPPROTO_UDP = _C["IPPROTO_TCP"], _C["IPPROTO_UDP"]
SOL_SOCKET, SO_REUSEADDR, SO_TYPE = _C["SOL_SOCKET"], _C["SO_REUSEADDR"], _C["SO_TYPE"]
AI_PASSIVE = _C["AI_PASSIVE"]
NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD = 1, 2, 8
NI_MAXHOST, NI_MAXSERV = 1025, 32
SHUT_RDWR = 2
IP_MULTICAST_TTL, IP_MULTICAST_LOOP = _C["IP_MULTICAST_TTL"], _C["IP_MULTICAST_LOOP"]
SUN_PATH_SIZE = 108                 # sizeof(struct sockaddr_un) - offsetof(sun_path)
SOCKADDR_UN_SIZE = 2 + SUN_PATH_SIZE
SOCKADDR_IN_SIZE, SOCKADDR_IN6_SIZE = 16, 28
EAI_FAMILY_MESSAGE = "ai_family not supported"      # gai_strerror(EAI_FAMILY), glibc


def _sk():
    """Python's socket module, imported on first use (a program that makes
    no socket does not pay for it at start-up)."""
    import socket
    return socket


class _Return(Exception):
    """A ``return`` from inside a block of an mrblib method (TCPSocket#initialize's
    ``Addrinfo.foreach`` block), caught by the method."""


# ------------------------------------------------------------ sockaddrs
def pack_sockaddr(family: int, addr) -> bytes:
    """The ``struct sockaddr_*`` bytes of an address as Python's socket
    module gives it (as the kernel would fill them: a nameless AF_UNIX
    address is its family alone, a named one ends with the path's NUL)."""
    fam = struct.pack("<H", family)
    if family == AF_INET:
        host, port = addr[0], addr[1]
        return fam + struct.pack(">H", port) + _sk().inet_pton(AF_INET, host) + bytes(8)
    if family == AF_INET6:
        host, port, flow, scope = addr
        return (fam + struct.pack(">HI", port, flow)
                + _sk().inet_pton(AF_INET6, host.split("%", 1)[0]) + struct.pack("<I", scope))
    if family == AF_UNIX:
        if addr is None:
            return b""
        path = addr if isinstance(addr, bytes) else os.fsencode(addr)
        if not path:
            return fam
        return fam + path + (b"" if path[:1] == b"\0" else b"\0")
    return fam


def unpack_sockaddr(sa: bytes):
    """(family, the address as Python's socket module takes it) of
    ``struct sockaddr_*`` bytes, or (family, None) when it cannot be one."""
    if len(sa) < 2:
        return AF_UNSPEC, None
    family = struct.unpack("<H", sa[:2])[0]
    if family == AF_INET and len(sa) >= SOCKADDR_IN_SIZE:
        return family, (_sk().inet_ntop(AF_INET, sa[4:8]), struct.unpack(">H", sa[2:4])[0])
    if family == AF_INET6 and len(sa) >= SOCKADDR_IN6_SIZE:
        port, flow = struct.unpack(">HI", sa[2:8])
        return family, (_sk().inet_ntop(AF_INET6, sa[8:24]), port, flow,
                        struct.unpack("<I", sa[24:28])[0])
    if family == AF_UNIX:
        path = sa[2:SOCKADDR_UN_SIZE]
        if path[:1] != b"\0":
            path = path.split(b"\0", 1)[0]
        return family, path
    return family, None


@contextlib.contextmanager
def _sock(fd: int):
    """A ``socket.socket`` on descriptor ``fd`` for one call; the descriptor
    stays open (the socket object is detached from it after)."""
    s = _sk().socket(fileno=fd)
    try:
        yield s
    finally:
        s.detach()


def _new_fd(s) -> int:
    """The descriptor of a new ``socket.socket``, inheritable as socket(2)
    and accept(2) make it (Python makes it close-on-exec)."""
    fd = s.detach()
    os.set_inheritable(fd, True)
    return fd


_FAILS = (OSError, ValueError, TypeError, OverflowError)


def _fd_of(vm, sock) -> int:
    """socket_fd: ``sock.fileno``."""
    return as_int(vm, vm.funcall(sock, "fileno"))


# ------------------------------------------------------------ small Ruby
def _call(vm, recv, name, *args, blk=NIL):
    return vm.funcall(recv, name, list(args), blk)


def _cls(vm, name):
    return vm.cls(name).word


def _eq(vm, w, n) -> bool:
    """Ruby ``w == n`` for an Integer ``n``."""
    if w & 1:
        return abi.fixnum_value(w) == n
    if w == NIL or w == TRUE or w == FALSE:
        return False
    return abi.truthy(vm.funcall(w, "==", [abi.fixnum(n)]))


def _eq_str(vm, w, s: bytes) -> bool:
    """Ruby ``w == 'text'``."""
    if vm.is_str(w):
        return bytes(vm.obj(w).value) == s
    if w & 1 or w in (NIL, TRUE, FALSE):
        return False
    return abi.truthy(vm.funcall(w, "==", [vm.str_new(s)]))


def _pair(vm, w):
    """``a, b = w``: an Array's first two elements (nil for missing ones),
    else ``w`` and nil."""
    if vm.is_ary(w):
        items = vm.obj(w).items
        return (items[0] if items else NIL), (items[1] if len(items) > 1 else NIL)
    return w, NIL


def _to_s(vm, w) -> bytes:
    """``"#{w}"``."""
    if not vm.is_str(w):
        w = vm.funcall(w, vm.SYM_to_s)
    return vm.str_bytes_of(w) if vm.is_str(w) else vm.any_to_s_str(w).encode()


def _rescue_std(vm, e: RubyError) -> None:
    """``rescue => e``: re-raise unless a StandardError."""
    if not vm.is_a(e.exc, vm.c_StandardError):
        raise e


def _super(vm, self_w, owner: str, name: str, args, blk=NIL, singleton=False):
    """``super(*args)`` in ``owner#name`` (or ``owner.name``)."""
    cls = vm.cls(owner)
    if singleton:
        cls = vm.singleton_class(cls.word)
    mid = vm.intern(name)
    start = (cls.origin or cls).superclass
    m, o = vm.find_method(start, mid) if start is not None else (None, None)
    if m is None:
        vm.raise_no_method_error(mid, vm.ary_new(list(args)),
                                 f"no superclass method '{name}'")
    return vm.call_method_entry(self_w, m, o, mid, list(args), blk)


def _block(vm, fn, mid: str, with_self=False):
    """A block written in the mrblib method ``mid``: ``fn(args)`` (or
    ``fn(self, args)``) gives its value."""
    def body(vm_, self_, args, blk):
        r = fn(self_, args) if with_self else fn(args)
        return NIL if r is None else r
    return vm.make_builtin_proc(body, mid=mid)


def _ensure_nonblock(vm, self_w, fn, s=None):
    """``begin; _setnonblock(true); fn; ensure; s._setnonblock(false); end``."""
    try:
        _call(vm, self_w, "_setnonblock", TRUE)
        return fn()
    finally:
        _call(vm, self_w if s is None else s, "_setnonblock", FALSE)


# =============================================================== Addrinfo
@smethod("Addrinfo", "getaddrinfo", arity=(2, 6))
def ai_s_getaddrinfo(vm, self, args, blk):
    """mrb_addrinfo_getaddrinfo: ``self.new(sockaddr, family, socktype,
    protocol)`` for each address getaddrinfo(3) gives."""
    nodename, service = args[0], args[1]
    family = args[2] if len(args) > 2 else NIL
    socktype = args[3] if len(args) > 3 else NIL
    protocol = args[4] if len(args) > 4 else NIL
    flags = as_int(vm, args[5]) if len(args) > 5 else 0
    if vm.is_str(nodename):
        host = cstr(vm, nodename)
    elif nodename == NIL:
        host = None
    else:
        vm.raise_error(vm.c_TypeError, "nodename must be String or nil")
    if vm.is_str(service):
        serv = cstr(vm, service)
    elif vm.is_int(service):
        serv = str(vm.int_value(service)).encode()
    elif service == NIL:
        serv = None
    else:
        vm.raise_error(vm.c_TypeError, "service must be String, Integer, or nil")

    def hint(w):
        return vm.int_value(w) & 0xFFFFFFFF if vm.is_int(w) else 0

    fam, typ, proto = (_c_int(hint(w)) for w in (family, socktype, protocol))
    try:
        res = _sk().getaddrinfo(host, serv, fam, typ, proto, _c_int(flags & 0xFFFFFFFF))
    except _sk().gaierror as e:
        vm.raise_error(vm.cls("SocketError"), f"getaddrinfo: {e.strerror}")
    except (UnicodeError, OverflowError, ValueError, OSError) as e:
        vm.raise_error(vm.cls("SocketError"), f"getaddrinfo: {e}")
    out = []
    for f, t, p, _canon, addr in res:
        sa = vm.str_new(pack_sockaddr(int(f), addr))
        out.append(vm.funcall(self, "new", [sa, abi.fixnum(int(f)), abi.fixnum(int(t)),
                                            abi.fixnum(int(p))]))
    return vm.ary_new(out)


def _c_int(n: int) -> int:
    """``(int)n`` of a 32-bit value."""
    return n - (1 << 32) if n & 0x80000000 else n


def getnameinfo(vm, sa: bytes, flags: int) -> tuple[bytes, bytes]:
    """getnameinfo(3) of sockaddr bytes: (host, service)."""
    family, addr = unpack_sockaddr(sa)
    if family == AF_UNIX and len(sa) >= 2:
        # glibc: the host name (or "localhost"), the path as the service
        if not flags & NI_NUMERICHOST:
            host = os.uname().nodename.encode()
        elif flags & NI_NAMEREQD:
            vm.raise_error(vm.cls("SocketError"), "getnameinfo: Name or service not known")
        else:
            host = b"localhost"
        path = sa[2:SOCKADDR_UN_SIZE]
        return host, path.split(b"\0", 1)[0][:NI_MAXSERV - 1]
    if addr is None or family not in (AF_INET, AF_INET6):
        vm.raise_error(vm.cls("SocketError"), f"getnameinfo: {EAI_FAMILY_MESSAGE}")
    try:
        host, serv = _sk().getnameinfo(addr, flags)
    except _sk().gaierror as e:
        vm.raise_error(vm.cls("SocketError"), f"getnameinfo: {e.strerror}")
    except (OSError, ValueError, OverflowError) as e:
        vm.raise_error(vm.cls("SocketError"), f"getnameinfo: {e}")
    return host.encode("utf-8", "surrogateescape"), serv.encode("utf-8", "surrogateescape")


def _sockaddr_iv(vm, self):
    return vm.ivar_get(self, vm.intern("@sockaddr"))


@method("Addrinfo", "getnameinfo", arity=(0, 1))
def ai_getnameinfo(vm, self, args, blk):
    flags = as_int(vm, args[0]) if args else 0
    sa = _sockaddr_iv(vm, self)
    if not vm.is_str(sa):
        vm.raise_error(vm.cls("SocketError"), "invalid sockaddr")
    host, serv = getnameinfo(vm, bytes(vm.obj(sa).value), flags)
    return vm.ary_new([vm.str_new(host), vm.str_new(serv)])


@method("Addrinfo", "unix_path", arity=0)
def ai_unix_path(vm, self, args, blk):
    sa = _sockaddr_iv(vm, self)
    b = bytes(vm.obj(sa).value) if vm.is_str(sa) else b""
    if (struct.unpack("<H", b[:2])[0] if len(b) >= 2 else -1) != AF_UNIX:
        vm.raise_error(vm.cls("SocketError"), "need AF_UNIX address")
    if len(b) < 3:
        return vm.str_new(b"")
    return vm.str_new(b[2:].split(b"\0", 1)[0])


@method("Addrinfo", "initialize", arity=-1, visibility="private")
def ai_initialize(vm, self, args, blk):
    rb_argc(vm, args, 1, 3)
    sockaddr = args[0]
    family = args[1] if len(args) > 1 else abi.fixnum(AF_UNSPEC)
    socktype = args[2] if len(args) > 2 else abi.fixnum(0)
    protocol = args[3] if len(args) > 3 else abi.fixnum(0)
    iv = vm.intern
    vm.ivar_set(self, iv("@hostname"), NIL)
    if vm.is_a(sockaddr, vm.c_Array):
        sary = sockaddr
        first = _call(vm, sary, "[]", abi.fixnum(0))
        if _eq_str(vm, first, b"AF_INET") or _eq_str(vm, first, b"AF_INET6"):
            sa = _call(vm, _cls(vm, "Socket"), "sockaddr_in", _call(vm, sary, "[]", abi.fixnum(1)),
                       _call(vm, sary, "[]", abi.fixnum(3)))
            vm.ivar_set(self, iv("@sockaddr"), sa)
            vm.ivar_set(self, iv("@hostname"), _call(vm, sary, "[]", abi.fixnum(2)))
        elif _eq_str(vm, first, b"AF_UNIX"):
            sa = _call(vm, _cls(vm, "Socket"), "sockaddr_un", _call(vm, sary, "[]", abi.fixnum(1)))
            vm.ivar_set(self, iv("@sockaddr"), sa)
    else:
        vm.ivar_set(self, iv("@sockaddr"), _call(vm, sockaddr, "dup"))
    if _eq(vm, family, AF_UNSPEC) or family == NIL:
        vm.ivar_set(self, iv("@family"), _call(vm, _cls(vm, "Socket"), "_sockaddr_family",
                                               vm.ivar_get(self, iv("@sockaddr"))))
    else:
        vm.ivar_set(self, iv("@family"), family)
    vm.ivar_set(self, iv("@socktype"), socktype)
    vm.ivar_set(self, iv("@protocol"), protocol)
    vm.ivar_set(self, iv("@canonname"), NIL)
    return NIL


@smethod("Addrinfo", "foreach", arity=-1)
def ai_s_foreach(vm, self, args, blk):
    rb_argc(vm, args, 2, 4)
    nodename, service = args[0], args[1]
    rest = list(args[2:]) + [NIL] * (5 - len(args))
    family, socktype, protocol = rest[0], rest[1], rest[2]
    flags = args[5] if len(args) > 5 else abi.fixnum(0)
    a = _call(vm, self, "getaddrinfo", nodename, service, family, socktype, protocol, flags)

    def each(bargs):
        ai = bargs[0] if bargs else NIL
        if vm.is_proc(blk):
            return vm.yield_block(blk, [ai])
        return _call(vm, blk, "call", ai)

    _call(vm, a, "each", blk=_block(vm, each, "foreach"))
    return a


@smethod("Addrinfo", "ip", arity=-1)
def ai_s_ip(vm, self, args, blk):
    rb_argc(vm, args, 1)
    sa = _call(vm, _cls(vm, "Socket"), "sockaddr_in", abi.fixnum(0), args[0])
    return _call(vm, _cls(vm, "Addrinfo"), "new", sa)


def _first(vm, ary):
    return _call(vm, ary, "[]", abi.fixnum(0))


@smethod("Addrinfo", "tcp", arity=-1)
def ai_s_tcp(vm, self, args, blk):
    rb_argc(vm, args, 2)
    return _first(vm, _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", args[0], args[1], NIL,
                            abi.fixnum(SOCK_STREAM), abi.fixnum(IPPROTO_TCP)))


@smethod("Addrinfo", "udp", arity=-1)
def ai_s_udp(vm, self, args, blk):
    rb_argc(vm, args, 2)
    return _first(vm, _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", args[0], args[1], NIL,
                            abi.fixnum(SOCK_DGRAM), abi.fixnum(IPPROTO_UDP)))


@smethod("Addrinfo", "unix", arity=-1)
def ai_s_unix(vm, self, args, blk):
    rb_argc(vm, args, 1, 1)
    socktype = args[1] if len(args) > 1 else abi.fixnum(SOCK_STREAM)
    sa = _call(vm, _cls(vm, "Socket"), "sockaddr_un", args[0])
    return _call(vm, _cls(vm, "Addrinfo"), "new", sa, abi.fixnum(AF_UNIX), socktype)


def _iv(vm, self, name):
    return vm.ivar_get(self, vm.intern(name))


@method("Addrinfo", "afamily", arity=-1, aliases=("pfamily",))
def ai_afamily(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _iv(vm, self, "@family")


@method("Addrinfo", "canonname", arity=0)
def ai_canonname(vm, self, args, blk):
    return _iv(vm, self, "@canonname")


@method("Addrinfo", "protocol", arity=0)
def ai_protocol(vm, self, args, blk):
    return _iv(vm, self, "@protocol")


@method("Addrinfo", "socktype", arity=0)
def ai_socktype(vm, self, args, blk):
    return _iv(vm, self, "@socktype")


@method("Addrinfo", "inspect", arity=-1)
def ai_inspect(vm, self, args, blk):
    rb_argc(vm, args, 0)
    if abi.truthy(_call(vm, self, "ipv4?")) or abi.truthy(_call(vm, self, "ipv6?")):
        proto_w, socktype = _iv(vm, self, "@protocol"), _iv(vm, self, "@socktype")
        if _eq(vm, proto_w, IPPROTO_TCP) or (_eq(vm, socktype, SOCK_STREAM)
                                              and _eq(vm, proto_w, 0)):
            proto = b"TCP"
        elif _eq(vm, proto_w, IPPROTO_UDP) or (_eq(vm, socktype, SOCK_DGRAM)
                                                and _eq(vm, proto_w, 0)):
            proto = b"UDP"
        else:
            proto = b"???"
        return vm.str_new(b"#<Addrinfo: " + _to_s(vm, _call(vm, self, "inspect_sockaddr"))
                          + b" " + proto + b">")
    return vm.str_new(b"#<Addrinfo: " + _to_s(vm, _call(vm, self, "unix_path"))
                      + b" SOCK_STREAM>")


@method("Addrinfo", "inspect_sockaddr", arity=-1)
def ai_inspect_sockaddr(vm, self, args, blk):
    rb_argc(vm, args, 0)
    if abi.truthy(_call(vm, self, "ipv4?")):
        a, p = _pair(vm, _call(vm, self, "ip_unpack"))
        return vm.str_new(_to_s(vm, a) + b":" + _to_s(vm, p))
    if abi.truthy(_call(vm, self, "ipv6?")):
        a, p = _pair(vm, _call(vm, self, "ip_unpack"))
        return vm.str_new(b"[" + _to_s(vm, a) + b"]:" + _to_s(vm, p))
    if abi.truthy(_call(vm, self, "unix?")):
        return _call(vm, self, "unix_path")
    return vm.str_new(b"???")


@method("Addrinfo", "ip?", arity=-1)
def ai_ip_p(vm, self, args, blk):
    rb_argc(vm, args, 0)
    r = _call(vm, self, "ipv4?")
    return r if abi.truthy(r) else _call(vm, self, "ipv6?")


@method("Addrinfo", "ip_address", arity=-1)
def ai_ip_address(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _first(vm, _call(vm, self, "ip_unpack"))


@method("Addrinfo", "ip_port", arity=-1)
def ai_ip_port(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _call(vm, _call(vm, self, "ip_unpack"), "[]", abi.fixnum(1))


@method("Addrinfo", "ip_unpack", arity=-1)
def ai_ip_unpack(vm, self, args, blk):
    rb_argc(vm, args, 0)
    h, p = _pair(vm, _call(vm, self, "getnameinfo", abi.fixnum(NI_NUMERICHOST | NI_NUMERICSERV)))
    return vm.ary_new([h, _call(vm, p, "to_i")])


@method("Addrinfo", "ipv4?", arity=-1)
def ai_ipv4_p(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return vm.bool(_eq(vm, _iv(vm, self, "@family"), AF_INET))


@method("Addrinfo", "ipv6?", arity=-1)
def ai_ipv6_p(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return vm.bool(_eq(vm, _iv(vm, self, "@family"), AF_INET6))


@method("Addrinfo", "unix?", arity=-1)
def ai_unix_p(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return vm.bool(_eq(vm, _iv(vm, self, "@family"), AF_UNIX))


@method("Addrinfo", "_to_array", arity=-1)
def ai_to_array(vm, self, args, blk):
    rb_argc(vm, args, 0)
    fam = _iv(vm, self, "@family")
    if _eq(vm, fam, AF_INET):
        s = b"AF_INET"
    elif _eq(vm, fam, AF_INET6):
        s = b"AF_INET6"
    elif _eq(vm, fam, AF_UNIX):
        s = b"AF_UNIX"
    else:
        s = b"(unknown AF)"
    addr, port = _pair(vm, _call(vm, self, "getnameinfo",
                                 abi.fixnum(NI_NUMERICHOST | NI_NUMERICSERV)))
    return vm.ary_new([vm.str_new(s), _call(vm, port, "to_i"), addr, addr])


@method("Addrinfo", "to_sockaddr", arity=-1, aliases=("to_s",))
def ai_to_sockaddr(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _iv(vm, self, "@sockaddr")


# ============================================================ BasicSocket
def _sym_dnrl(vm):
    return vm.intern("@@do_not_reverse_lookup")


@smethod("BasicSocket", "do_not_reverse_lookup", arity=-1)
def bs_s_dnrl(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return vm.cv_get(vm.cls("BasicSocket"), _sym_dnrl(vm))


@smethod("BasicSocket", "do_not_reverse_lookup=", arity=-1)
def bs_s_set_dnrl(vm, self, args, blk):
    rb_argc(vm, args, 1)
    vm.cv_set(vm.cls("BasicSocket"), _sym_dnrl(vm), vm.bool(abi.truthy(args[0])))
    return args[0]


@method("BasicSocket", "initialize", arity=-1, visibility="private")
def bs_initialize(vm, self, args, blk):
    _super(vm, self, "BasicSocket", "initialize", args)
    _call(vm, self, "_is_socket=", TRUE)
    vm.ivar_set(self, vm.intern("@do_not_reverse_lookup"),
                vm.cv_get(vm.cls("BasicSocket"), _sym_dnrl(vm)))
    return NIL


@smethod("BasicSocket", "for_fd", arity=-1)
def bs_s_for_fd(vm, self, args, blk):
    rb_argc(vm, args, 1)
    return _super(vm, self, "BasicSocket", "for_fd", [args[0], vm.str_new(b"r+")],
                  singleton=True)


@method("BasicSocket", "local_address", arity=-1)
def bs_local_address(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _call(vm, _cls(vm, "Addrinfo"), "new", _call(vm, self, "getsockname"))


@method("BasicSocket", "remote_address", arity=-1)
def bs_remote_address(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _call(vm, _cls(vm, "Addrinfo"), "new", _call(vm, self, "getpeername"))


@method("BasicSocket", "recv_nonblock", arity=-1)
def bs_recv_nonblock(vm, self, args, blk):
    rb_argc(vm, args, 1, 1)
    flags = args[1] if len(args) > 1 else abi.fixnum(0)
    return _ensure_nonblock(vm, self, lambda: _call(vm, self, "recv", args[0], flags))


@method("BasicSocket", "do_not_reverse_lookup", arity=0)
def bs_dnrl(vm, self, args, blk):
    return vm.ivar_get(self, vm.intern("@do_not_reverse_lookup"))


@method("BasicSocket", "do_not_reverse_lookup=", arity=1)
def bs_set_dnrl(vm, self, args, blk):
    vm.ivar_set(self, vm.intern("@do_not_reverse_lookup"), args[0])
    return args[0]


@method("BasicSocket", "_is_socket=", arity=1)
def bs_set_is_socket(vm, self, args, blk):
    b = abi.truthy(args[0])
    fptr = get_ptr(vm, self)
    if fptr is not None:
        fptr.is_socket = b
    return vm.bool(b)


@method("BasicSocket", "getpeereid", arity=0)
def bs_getpeereid(vm, self, args, blk):
    # Linux has no getpeereid(3): HAVE_GETPEEREID is undefined in Debian's build
    vm.raise_error(vm.c_RuntimeError, "getpeereid is not available on this system")


def _sockname(vm, self, peer: bool) -> int:
    name = "getpeername" if peer else "getsockname"
    fd = _fd_of(vm, self)
    try:
        with _sock(fd) as s:
            addr = s.getpeername() if peer else s.getsockname()
            return vm.str_new(pack_sockaddr(s.family, addr))
    except _FAILS:
        sys_fail(vm, name)


@method("BasicSocket", "getpeername", arity=0)
def bs_getpeername(vm, self, args, blk):
    return _sockname(vm, self, True)


@method("BasicSocket", "getsockname", arity=0)
def bs_getsockname(vm, self, args, blk):
    return _sockname(vm, self, False)


def _family_of(fd: int) -> int:
    """socket_family: the family getsockname(2) reports, AF_UNSPEC if none."""
    try:
        with _sock(fd) as s:
            return int(s.family)
    except _FAILS:
        return AF_UNSPEC


@method("BasicSocket", "getsockopt", arity=2)
def bs_getsockopt(vm, self, args, blk):
    level, optname = as_int(vm, args[0]), as_int(vm, args[1])
    fd = _fd_of(vm, self)
    try:
        with _sock(fd) as s:
            data = s.getsockopt(_c_int(level & 0xFFFFFFFF), _c_int(optname & 0xFFFFFFFF), 8)
    except _FAILS:
        sys_fail(vm, "getsockopt")
    c = vm.cls("Socket::Option").word       # mrb_const_get: no call
    return _call(vm, c, "new", abi.fixnum(_family_of(fd)), abi.fixnum(level),
                 abi.fixnum(optname), vm.str_new(data))


def _recv_len(vm, w) -> int:
    n = as_int(vm, w)
    if n < 0:
        vm.raise_error(vm.c_ArgumentError, "negative (or too big) string capacity")
    return n


@method("BasicSocket", "recv", arity=(1, 2))
def bs_recv(vm, self, args, blk):
    maxlen = _recv_len(vm, args[0])
    flags = as_int(vm, args[1]) if len(args) > 1 else 0
    fd = _fd_of(vm, self)
    vm.flush()
    try:
        with _sock(fd) as s:
            data = s.recv(maxlen, _c_int(flags & 0xFFFFFFFF))
    except _FAILS:
        sys_fail(vm, "recv")
    return vm.str_new(data)


@method("BasicSocket", "_recvfrom", arity=(1, 2))
def bs__recvfrom(vm, self, args, blk):
    maxlen = _recv_len(vm, args[0])
    flags = as_int(vm, args[1]) if len(args) > 1 else 0
    fd = _fd_of(vm, self)
    vm.flush()
    try:
        with _sock(fd) as s:
            data, addr = s.recvfrom(maxlen, _c_int(flags & 0xFFFFFFFF))
            sa = pack_sockaddr(s.family, addr) if addr is not None else b""
    except _FAILS:
        sys_fail(vm, "recvfrom")
    return vm.ary_new([vm.str_new(data), vm.str_new(sa)])


@method("BasicSocket", "send", arity=(2, 3))
def bs_send(vm, self, args, blk):
    mesg = bytes(vm.obj(str_arg(vm, args[0])).value)
    flags = as_int(vm, args[1])
    dest = args[2] if len(args) > 2 else NIL
    if dest != NIL:
        dest = bytes(vm.obj(str_arg(vm, dest)).value)
    fd = _fd_of(vm, self)
    vm.flush()
    try:
        with _sock(fd) as s:
            if dest == NIL:
                n = s.send(mesg, _c_int(flags & 0xFFFFFFFF))
            else:
                family, addr = unpack_sockaddr(dest)
                if addr is None:
                    raise OSError("bad address")
                n = s.sendto(mesg, _c_int(flags & 0xFFFFFFFF), addr)
    except _FAILS:
        sys_fail(vm, "send")
    return vm.int_new(n)


@method("BasicSocket", "_setnonblock", arity=1)
def bs__setnonblock(vm, self, args, blk):
    nonblocking = abi.truthy(args[0])
    fd = _fd_of(vm, self)
    try:
        os.set_blocking(fd, not nonblocking)
    except _FAILS:
        sys_fail(vm, "fcntl")
    return NIL


@method("BasicSocket", "setsockopt", arity=-1)
def bs_setsockopt(vm, self, args, blk):
    argc = len(args)
    if argc not in (1, 2, 3):
        vm.argc_error(argc, 1, 3)
    so = args[0]
    if argc == 3:
        optname = as_int(vm, args[1])
        optval = args[2]
        if not vm.is_int(so):
            vm.raise_error(vm.c_ArgumentError, "level is not an integer")
        level = vm.int_value(so)
        if vm.is_str(optval):
            data = bytes(vm.obj(optval).value)
        elif optval in (TRUE, FALSE):
            data = struct.pack("<q", 1 if optval == TRUE else 0)
        elif vm.is_int(optval):
            v = vm.int_value(optval)
            if optname in (IP_MULTICAST_TTL, IP_MULTICAST_LOOP):
                data = bytes((v & 0xFF,))
            else:
                data = struct.pack("<q", v)
        else:
            vm.raise_error(vm.c_ArgumentError,
                           "optval should be true, false, an integer, or a string")
    elif argc == 1:
        if vm.class_name(vm.real_class(so)) != "Socket::Option":
            vm.raise_error(vm.c_ArgumentError, "not an instance of Socket::Option")
        level = vm.int_value(_call(vm, so, "level"))
        optname = vm.int_value(_call(vm, so, "optname"))
        optval = _call(vm, so, "data")
        data = bytes(vm.obj(str_arg(vm, optval)).value)
    else:
        if len(args) > 1:
            as_int(vm, args[1])
        vm.argc_error(argc, 3, 3)
    fd = _fd_of(vm, self)
    try:
        with _sock(fd) as s:
            s.setsockopt(_c_int(level & 0xFFFFFFFF), _c_int(optname & 0xFFFFFFFF), data)
    except _FAILS:
        sys_fail(vm, "setsockopt")
    return abi.fixnum(0)


@method("BasicSocket", "shutdown", arity=(0, 1))
def bs_shutdown(vm, self, args, blk):
    how = as_int(vm, args[0]) if args else SHUT_RDWR
    fd = _fd_of(vm, self)
    try:
        with _sock(fd) as s:
            s.shutdown(_c_int(how & 0xFFFFFFFF))
    except _FAILS:
        sys_fail(vm, "shutdown")
    return abi.fixnum(0)


# =============================================================== IPSocket
@smethod("IPSocket", "getaddress", arity=-1)
def ips_s_getaddress(vm, self, args, blk):
    rb_argc(vm, args, 1)
    return _call(vm, _call(vm, _cls(vm, "Addrinfo"), "ip", args[0]), "ip_address")


@method("IPSocket", "addr", arity=-1)
def ips_addr(vm, self, args, blk):
    rb_argc(vm, args, 0)
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", _call(vm, self, "getsockname"))
    return _call(vm, ai, "_to_array")


@method("IPSocket", "peeraddr", arity=-1)
def ips_peeraddr(vm, self, args, blk):
    rb_argc(vm, args, 0)
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", _call(vm, self, "getpeername"))
    return _call(vm, ai, "_to_array")


@method("IPSocket", "recvfrom", arity=-1)
def ips_recvfrom(vm, self, args, blk):
    rb_argc(vm, args, 1, 1)
    flags = args[1] if len(args) > 1 else abi.fixnum(0)
    msg, sa = _pair(vm, _call(vm, self, "_recvfrom", args[0], flags))
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", sa)
    return vm.ary_new([msg, _call(vm, ai, "_to_array")])


def _af(vm, w) -> int:
    return as_int(vm, w)


@smethod("IPSocket", "ntop", arity=2)
def ips_s_ntop(vm, self, args, blk):
    af = _af(vm, args[0])
    addr = bytes(vm.obj(str_arg(vm, args[1])).value)
    if (af == AF_INET and len(addr) != 4) or (af == AF_INET6 and len(addr) != 16):
        vm.raise_error(vm.c_ArgumentError, "invalid address")
    try:
        return vm.str_new(_sk().inet_ntop(af, addr).encode())
    except _FAILS:
        vm.raise_error(vm.c_ArgumentError, "invalid address")


@smethod("IPSocket", "pton", arity=2)
def ips_s_pton(vm, self, args, blk):
    af = _af(vm, args[0])
    text = bytes(vm.obj(str_arg(vm, args[1])).value)
    if len(text) > 49:
        vm.raise_error(vm.c_ArgumentError, "invalid address")
    text = text.split(b"\0", 1)[0]
    if af not in (AF_INET, AF_INET6):
        vm.raise_error(vm.c_ArgumentError, "unsupported address family")
    try:
        return vm.str_new(_sk().inet_pton(af, text.decode("ascii")))
    except (OSError, ValueError, UnicodeError):
        vm.raise_error(vm.c_ArgumentError, "invalid address")


# ============================================================== TCPSocket
def _init_with_fd(vm, self) -> bool:
    return abi.truthy(vm.ivar_get(self, vm.intern("@init_with_fd")))


@method("TCPSocket", "initialize", arity=-1, visibility="private")
def tcp_initialize(vm, self, args, blk):
    rb_argc(vm, args, 2, 2)
    host, service = args[0], args[1]
    local = {"host": args[2] if len(args) > 2 else NIL,
             "service": args[3] if len(args) > 3 else NIL}
    if _init_with_fd(vm, self):
        _super(vm, self, "TCPSocket", "initialize", [host, service])
        return NIL
    sock_w = _cls(vm, "Socket")
    state = {"e": _cls(vm, "SocketError")}

    def body(bargs):
        ai = bargs[0] if bargs else NIL
        try:
            afamily = _call(vm, ai, "afamily")
            s = _call(vm, sock_w, "_socket", afamily, abi.fixnum(SOCK_STREAM), abi.fixnum(0))
            if abi.truthy(local["host"]) or abi.truthy(local["service"]):
                if not abi.truthy(local["host"]):
                    local["host"] = vm.str_new(b"0.0.0.0" if _eq(vm, _call(vm, ai, "afamily"),
                                                                  AF_INET) else b"::")
                if not abi.truthy(local["service"]):
                    local["service"] = vm.str_new(b"0")
                bi = _first(vm, _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", local["host"],
                                      local["service"], _call(vm, ai, "afamily"),
                                      _call(vm, ai, "socktype")))
                _call(vm, sock_w, "_bind", s, _call(vm, bi, "to_sockaddr"))
            _call(vm, sock_w, "_connect", s, _call(vm, ai, "to_sockaddr"))
            _super(vm, self, "TCPSocket", "initialize", [s, vm.str_new(b"r+")])
        except RubyError as e0:
            _rescue_std(vm, e0)
            state["e"] = e0.exc
            return NIL
        raise _Return()

    try:
        _call(vm, _cls(vm, "Addrinfo"), "foreach", host, service,
              blk=_block(vm, body, "initialize"))
    except _Return:
        return NIL
    _raise_value(vm, state["e"])


def _raise_value(vm, e):
    """``raise e`` for an exception class or object (one raised before
    keeps its backtrace)."""
    if not vm.is_exception(e):
        e = vm.funcall(e, "exception")
    vm.raise_exc(e)


@smethod("TCPSocket", "new_with_prelude", arity=-1)
def tcp_s_new_with_prelude(vm, self, args, blk):
    rb_argc(vm, args, 1, 0, rest=True)
    pre = args[0]
    o = _call(vm, self, "_allocate")
    _call(vm, o, "instance_eval", blk=pre)
    _call(vm, o, "initialize", *args[1:])
    return o


@smethod("TCPSocket", "_allocate", arity=0)
def tcp_s_allocate(vm, self, args, blk):
    return vm.allocate(vm.obj(self))


# ============================================================== TCPServer
@method("TCPServer", "initialize", arity=-1, visibility="private")
def tcps_initialize(vm, self, args, blk):
    rb_argc(vm, args, 1, 1)
    if len(args) == 1:
        host, service = NIL, args[0]
    else:
        host, service = args[0], args[1]
    sock_w = _cls(vm, "Socket")
    ai = _first(vm, _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", host, service, NIL, NIL, NIL,
                          abi.fixnum(AI_PASSIVE)))
    vm.ivar_set(self, vm.intern("@init_with_fd"), TRUE)
    fd = _call(vm, sock_w, "_socket", _call(vm, ai, "afamily"), abi.fixnum(SOCK_STREAM),
               abi.fixnum(0))
    _super(vm, self, "TCPServer", "initialize", [fd, vm.str_new(b"r+")])
    if abi.truthy(_call(vm, sock_w, "const_defined?", vm.sym("SO_REUSEADDR"))):
        _call(vm, self, "setsockopt", abi.fixnum(SOL_SOCKET), abi.fixnum(SO_REUSEADDR), TRUE)
    _call(vm, sock_w, "_bind", _call(vm, self, "fileno"), _call(vm, ai, "to_sockaddr"))
    _call(vm, self, "listen", abi.fixnum(5))
    return self


def _sysclose_quietly(vm, fd) -> None:
    """``IO._sysclose(fd) rescue nil``."""
    try:
        _call(vm, _cls(vm, "IO"), "_sysclose", fd)
    except RubyError as e:
        _rescue_std(vm, e)


@method("TCPServer", "accept", arity=-1)
def tcps_accept(vm, self, args, blk):
    rb_argc(vm, args, 0)
    fd = _call(vm, self, "sysaccept")
    ivar = vm.intern("@init_with_fd")

    def prelude(self_, bargs):
        vm.ivar_set(self_, ivar, TRUE)
        return TRUE

    try:
        return _call(vm, _cls(vm, "TCPSocket"), "new_with_prelude",
                     _block(vm, prelude, "accept", with_self=True), fd, vm.str_new(b"r+"))
    except RubyError as e:
        _rescue_std(vm, e)
        _sysclose_quietly(vm, fd)
        raise


def _accept_nonblock(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _ensure_nonblock(vm, self, lambda: _call(vm, self, "accept"))


@method("TCPServer", "accept_nonblock", arity=-1)
def tcps_accept_nonblock(vm, self, args, blk):
    return _accept_nonblock(vm, self, args, blk)


def _listen(vm, self, args):
    rb_argc(vm, args, 1)
    _call(vm, _cls(vm, "Socket"), "_listen", _call(vm, self, "fileno"), args[0])
    return abi.fixnum(0)


@method("TCPServer", "listen", arity=-1)
def tcps_listen(vm, self, args, blk):
    return _listen(vm, self, args)


@method("TCPServer", "sysaccept", arity=-1)
def tcps_sysaccept(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _call(vm, _cls(vm, "Socket"), "_accept", _call(vm, self, "fileno"))


# ============================================================== UDPSocket
@method("UDPSocket", "initialize", arity=-1, visibility="private")
def udp_initialize(vm, self, args, blk):
    rb_argc(vm, args, 0, 1)
    af = args[0] if args else abi.fixnum(AF_INET)
    fd = _call(vm, _cls(vm, "Socket"), "_socket", af, abi.fixnum(SOCK_DGRAM), abi.fixnum(0))
    _super(vm, self, "UDPSocket", "initialize", [fd, vm.str_new(b"r+")])
    vm.ivar_set(self, vm.intern("@af"), af)
    return self


@method("UDPSocket", "bind", arity=-1)
def udp_bind(vm, self, args, blk):
    rb_argc(vm, args, 2)
    _call(vm, _cls(vm, "Socket"), "_bind", _call(vm, self, "fileno"),
          _call(vm, self, "_sockaddr_in", args[1], args[0]))
    return abi.fixnum(0)


@method("UDPSocket", "connect", arity=-1)
def udp_connect(vm, self, args, blk):
    rb_argc(vm, args, 2)
    _call(vm, _cls(vm, "Socket"), "_connect", _call(vm, self, "fileno"),
          _call(vm, self, "_sockaddr_in", args[1], args[0]))
    return abi.fixnum(0)


@method("UDPSocket", "recvfrom_nonblock", arity=-1)
def udp_recvfrom_nonblock(vm, self, args, blk):
    return _ensure_nonblock(vm, self, lambda: _call(vm, self, "recvfrom", *args), s=self)


@method("UDPSocket", "send", arity=-1)
def udp_send(vm, self, args, blk):
    rb_argc(vm, args, 2, 2)
    mesg, flags = args[0], args[1]
    host = args[2] if len(args) > 2 else NIL
    port = args[3] if len(args) > 3 else NIL
    if abi.truthy(port):
        sup = [mesg, flags, _call(vm, self, "_sockaddr_in", port, host)]
    elif abi.truthy(host):
        sup = [mesg, flags, host]
    else:
        sup = [mesg, flags]
    return _super(vm, self, "UDPSocket", "send", sup)


@method("UDPSocket", "_sockaddr_in", arity=-1)
def udp__sockaddr_in(vm, self, args, blk):
    rb_argc(vm, args, 2)
    port, host = args[0], args[1]
    ai = _first(vm, _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", host, port,
                          vm.ivar_get(self, vm.intern("@af")), abi.fixnum(SOCK_DGRAM)))
    return _call(vm, ai, "to_sockaddr")


# ================================================================= Socket
@method("Socket", "initialize", arity=-1, visibility="private")
def sock_initialize(vm, self, args, blk):
    rb_argc(vm, args, 2, 1)
    protocol = args[2] if len(args) > 2 else abi.fixnum(0)
    fd = _call(vm, _cls(vm, "Socket"), "_socket", args[0], args[1], protocol)
    return _super(vm, self, "Socket", "initialize", [fd, vm.str_new(b"r+")])


@smethod("Socket", "getaddrinfo", arity=-1)
def sock_s_getaddrinfo(vm, self, args, blk):
    rb_argc(vm, args, 2, 4)
    nodename = args[0]
    rest = list(args[2:5]) + [NIL] * (3 - len(args[2:5]))
    flags = args[5] if len(args) > 5 else abi.fixnum(0)
    ais = _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", nodename, args[1], *rest, flags)

    def row(bargs):
        ai = bargs[0] if bargs else NIL
        ary = _call(vm, ai, "_to_array")
        _call(vm, ary, "[]=", abi.fixnum(2), nodename)
        _call(vm, ary, "[]=", abi.fixnum(4), _call(vm, ai, "afamily"))
        _call(vm, ary, "[]=", abi.fixnum(5), _call(vm, ai, "socktype"))
        _call(vm, ary, "[]=", abi.fixnum(6), _call(vm, ai, "protocol"))
        return ary

    return _call(vm, ais, "map", blk=_block(vm, row, "getaddrinfo"))


@smethod("Socket", "open", arity=-1)
def sock_s_open(vm, self, args, blk):
    # mrblib passes the arguments as one Array: ``new(args)``
    return _call(vm, self, "new", vm.ary_new(list(args)))


@smethod("Socket", "sockaddr_in", arity=-1, aliases=("pack_sockaddr_in",))
def sock_s_sockaddr_in(vm, self, args, blk):
    rb_argc(vm, args, 2)
    ai = _first(vm, _call(vm, _cls(vm, "Addrinfo"), "getaddrinfo", args[1], args[0], NIL,
                          abi.fixnum(SOCK_DGRAM)))
    return _call(vm, ai, "to_sockaddr")


@smethod("Socket", "unpack_sockaddr_in", arity=-1)
def sock_s_unpack_sockaddr_in(vm, self, args, blk):
    rb_argc(vm, args, 1)
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", args[0])
    return _call(vm, _call(vm, ai, "ip_unpack"), "reverse")


@smethod("Socket", "unpack_sockaddr_un", arity=-1)
def sock_s_unpack_sockaddr_un(vm, self, args, blk):
    rb_argc(vm, args, 1)
    return _call(vm, _call(vm, _cls(vm, "Addrinfo"), "new", args[0]), "unix_path")


@method("Socket", "accept", arity=-1)
def sock_accept(vm, self, args, blk):
    rb_argc(vm, args, 0)
    fd, addr = _pair(vm, _call(vm, self, "sysaccept"))
    return vm.ary_new([_call(vm, _cls(vm, "Socket"), "for_fd", fd), addr])


@method("Socket", "accept_nonblock", arity=-1)
def sock_accept_nonblock(vm, self, args, blk):
    return _accept_nonblock(vm, self, args, blk)


def _to_sockaddr(vm, sa):
    """``sockaddr = sockaddr.to_sockaddr if sockaddr.is_a? Addrinfo``."""
    if vm.is_a(sa, vm.cls("Addrinfo")):
        return _call(vm, sa, "to_sockaddr")
    return sa


@method("Socket", "bind", arity=-1)
def sock_bind(vm, self, args, blk):
    rb_argc(vm, args, 1)
    sa = _to_sockaddr(vm, args[0])
    _call(vm, _cls(vm, "Socket"), "_bind", _call(vm, self, "fileno"), sa)
    return abi.fixnum(0)


@method("Socket", "connect", arity=-1)
def sock_connect(vm, self, args, blk):
    rb_argc(vm, args, 1)
    sa = _to_sockaddr(vm, args[0])
    _call(vm, _cls(vm, "Socket"), "_connect", _call(vm, self, "fileno"), sa)
    return abi.fixnum(0)


@method("Socket", "connect_nonblock", arity=-1)
def sock_connect_nonblock(vm, self, args, blk):
    rb_argc(vm, args, 1)
    return _ensure_nonblock(vm, self, lambda: _call(vm, self, "connect", args[0]))


@method("Socket", "listen", arity=-1)
def sock_listen(vm, self, args, blk):
    return _listen(vm, self, args)


@method("Socket", "recvfrom", arity=-1)
def sock_recvfrom(vm, self, args, blk):
    rb_argc(vm, args, 1, 1)
    flags = args[1] if len(args) > 1 else abi.fixnum(0)
    msg, sa = _pair(vm, _call(vm, self, "_recvfrom", args[0], flags))
    opt = _call(vm, self, "getsockopt", abi.fixnum(SOL_SOCKET), abi.fixnum(SO_TYPE))
    socktype = _call(vm, opt, "int")
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", sa, abi.fixnum(AF_UNSPEC), socktype)
    return vm.ary_new([msg, ai])


@method("Socket", "recvfrom_nonblock", arity=-1)
def sock_recvfrom_nonblock(vm, self, args, blk):
    return _ensure_nonblock(vm, self, lambda: _call(vm, self, "_recvfrom", *args))


@method("Socket", "sysaccept", arity=-1)
def sock_sysaccept(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _call(vm, _cls(vm, "Socket"), "_accept2", _call(vm, self, "fileno"))


def _accept_fd(vm, args, with_addr: bool):
    s0 = as_int(vm, args[0])
    vm.flush()
    try:
        with _sock(s0) as s:
            conn, addr = s.accept()
            family = s.family
    except _FAILS:
        sys_fail(vm, "accept")
    fd = _new_fd(conn)
    if not with_addr:
        return abi.fixnum(fd)
    return vm.ary_new([abi.fixnum(fd), vm.str_new(pack_sockaddr(family, addr))])


@smethod("Socket", "_accept", arity=1)
def sock_s__accept(vm, self, args, blk):
    return _accept_fd(vm, args, False)


@smethod("Socket", "_accept2", arity=1)
def sock_s__accept2(vm, self, args, blk):
    return _accept_fd(vm, args, True)


def _fd_and_sockaddr(vm, args):
    fd = as_int(vm, args[0])
    sa = bytes(vm.obj(str_arg(vm, args[1])).value)
    return fd, sa


def _at_sockaddr(vm, args, call: str):
    """bind(2) or connect(2) (``call``) of descriptor args[0] to the packed
    sockaddr args[1]; a failure raises what mruby's sys_fail raises.  Before
    a connect, which may wait, pending output is written out."""
    fd, sa = _fd_and_sockaddr(vm, args)
    if call == "connect":
        vm.flush()
    try:
        family, addr = unpack_sockaddr(sa)
        if addr is None:
            raise OSError("bad address")
        with _sock(fd) as s:
            getattr(s, call)(addr)
    except _FAILS:
        sys_fail(vm, call)
    return NIL


@smethod("Socket", "_bind", arity=2)
def sock_s__bind(vm, self, args, blk):
    return _at_sockaddr(vm, args, "bind")


@smethod("Socket", "_connect", arity=2)
def sock_s__connect(vm, self, args, blk):
    return _at_sockaddr(vm, args, "connect")


@smethod("Socket", "_listen", arity=2)
def sock_s__listen(vm, self, args, blk):
    fd, backlog = as_int(vm, args[0]), as_int(vm, args[1])
    try:
        with _sock(fd) as s:
            s.listen(_c_int(backlog & 0xFFFFFFFF))
    except _FAILS:
        sys_fail(vm, "listen")
    return NIL


@smethod("Socket", "_sockaddr_family", arity=1)
def sock_s__sockaddr_family(vm, self, args, blk):
    sa = bytes(vm.obj(str_arg(vm, args[0])).value)
    if len(sa) < 2:
        vm.raise_error(vm.cls("SocketError"), "invalid sockaddr (too short)")
    return abi.fixnum(struct.unpack("<H", sa[:2])[0])


@smethod("Socket", "_socket", arity=3)
def sock_s__socket(vm, self, args, blk):
    domain, typ, proto = (as_int(vm, a) for a in args)
    try:
        s = _sk().socket(_c_int(domain & 0xFFFFFFFF), _c_int(typ & 0xFFFFFFFF),
                         _c_int(proto & 0xFFFFFFFF))
    except _FAILS:
        sys_fail(vm, "socket")
    return abi.fixnum(_new_fd(s))


@smethod("Socket", "gethostname", arity=0)
def sock_s_gethostname(vm, self, args, blk):
    try:
        return vm.str_new(os.fsencode(_sk().gethostname()))
    except OSError:
        sys_fail(vm, "gethostname")


@smethod("Socket", "sockaddr_un", arity=1, aliases=("pack_sockaddr_un",))
def sock_s_sockaddr_un(vm, self, args, blk):
    path = bytes(vm.obj(str_arg(vm, args[0])).value)
    if len(path) > SUN_PATH_SIZE - 1:
        vm.raise_error(vm.c_ArgumentError,
                       f"too long unix socket path (max: {SUN_PATH_SIZE - 1} bytes)")
    sa = struct.pack("<H", AF_UNIX) + path + b"\0"
    return vm.str_new(sa + bytes(SOCKADDR_UN_SIZE - len(sa)))


@smethod("Socket", "socketpair", arity=3, aliases=("pair",))
def sock_s_socketpair(vm, self, args, blk):
    domain, typ, proto = (as_int(vm, a) for a in args)
    try:
        a, b = _sk().socketpair(_c_int(domain & 0xFFFFFFFF), _c_int(typ & 0xFFFFFFFF),
                                _c_int(proto & 0xFFFFFFFF))
    except _FAILS:
        sys_fail(vm, "socketpair")
    return vm.ary_new([abi.fixnum(_new_fd(a)), abi.fixnum(_new_fd(b))])


# ============================================================= UNIXSocket
@method("UNIXSocket", "initialize", arity=-1, visibility="private")
def unix_initialize(vm, self, args, blk):
    rb_argc(vm, args, 1)
    path = args[0]
    if vm.is_a(self, vm.cls("UNIXServer")):
        _super(vm, self, "UNIXSocket", "initialize", [path, vm.str_new(b"r")])
        return NIL
    sock_w = _cls(vm, "Socket")
    fd = _call(vm, sock_w, "_socket", abi.fixnum(AF_UNIX), abi.fixnum(SOCK_STREAM), abi.fixnum(0))
    _super(vm, self, "UNIXSocket", "initialize", [fd, vm.str_new(b"r+")])
    _call(vm, sock_w, "_connect", _call(vm, self, "fileno"),
          _call(vm, sock_w, "sockaddr_un", path))
    if blk != NIL:
        try:
            vm.yield_block(blk, [self])
        finally:
            try:
                if not abi.truthy(_call(vm, self, "closed?")):
                    _call(vm, self, "close")
            except RubyError as e:
                _rescue_std(vm, e)
    return NIL


@smethod("UNIXSocket", "socketpair", arity=-1, aliases=("pair",))
def unix_s_socketpair(vm, self, args, blk):
    rb_argc(vm, args, 0, 2)
    typ = args[0] if args else abi.fixnum(SOCK_STREAM)
    proto = args[1] if len(args) > 1 else abi.fixnum(0)
    a = _call(vm, _cls(vm, "Socket"), "socketpair", abi.fixnum(AF_UNIX), typ, proto)
    us = _cls(vm, "UNIXSocket")
    return vm.ary_new([_call(vm, us, "for_fd", _call(vm, a, "[]", abi.fixnum(0))),
                       _call(vm, us, "for_fd", _call(vm, a, "[]", abi.fixnum(1)))])


@method("UNIXSocket", "addr", arity=-1)
def unix_addr(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return vm.ary_new([vm.str_new(b"AF_UNIX"), _call(vm, self, "path")])


@method("UNIXSocket", "path", arity=-1)
def unix_path(vm, self, args, blk):
    rb_argc(vm, args, 0)
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", _call(vm, self, "getsockname"))
    return _call(vm, ai, "unix_path")


@method("UNIXSocket", "peeraddr", arity=-1)
def unix_peeraddr(vm, self, args, blk):
    rb_argc(vm, args, 0)
    ai = _call(vm, _cls(vm, "Addrinfo"), "new", _call(vm, self, "getpeername"))
    return vm.ary_new([vm.str_new(b"AF_UNIX"), _call(vm, ai, "unix_path")])


@method("UNIXSocket", "recvfrom", arity=-1)
def unix_recvfrom(vm, self, args, blk):
    rb_argc(vm, args, 1, 1)
    flags = args[1] if len(args) > 1 else abi.fixnum(0)
    msg, sa = _pair(vm, _call(vm, self, "_recvfrom", args[0], flags))
    if abi.truthy(_call(vm, _call(vm, sa, "size"), ">", abi.fixnum(0))):
        path = _call(vm, _call(vm, _cls(vm, "Addrinfo"), "new", sa), "unix_path")
    else:
        path = vm.str_new(b"")
    return vm.ary_new([msg, vm.ary_new([vm.str_new(b"AF_UNIX"), path])])


# ============================================================= UNIXServer
@method("UNIXServer", "initialize", arity=-1, visibility="private")
def unixs_initialize(vm, self, args, blk):
    rb_argc(vm, args, 1)
    path = args[0]
    sock_w = _cls(vm, "Socket")
    fd = _call(vm, sock_w, "_socket", abi.fixnum(AF_UNIX), abi.fixnum(SOCK_STREAM), abi.fixnum(0))
    try:
        _super(vm, self, "UNIXServer", "initialize", [fd])
        _call(vm, sock_w, "_bind", fd, _call(vm, sock_w, "pack_sockaddr_un", path))
        _call(vm, self, "listen", abi.fixnum(5))
    except RubyError as e:
        _rescue_std(vm, e)
        _sysclose_quietly(vm, fd)
        raise
    if blk != NIL:
        try:
            vm.yield_block(blk, [self])
        finally:
            if not abi.truthy(_call(vm, self, "closed?")):
                try:
                    _call(vm, self, "close")
                except RubyError as e:
                    _rescue_std(vm, e)
    return NIL


@method("UNIXServer", "accept", arity=-1)
def unixs_accept(vm, self, args, blk):
    rb_argc(vm, args, 0)
    fd = _call(vm, self, "sysaccept")
    sock = NIL
    try:
        sock = _call(vm, _cls(vm, "UNIXSocket"), "for_fd", fd)
    except RubyError as e:
        _rescue_std(vm, e)
        _sysclose_quietly(vm, fd)
    return sock


@method("UNIXServer", "accept_nonblock", arity=-1)
def unixs_accept_nonblock(vm, self, args, blk):
    return _accept_nonblock(vm, self, args, blk)


@method("UNIXServer", "listen", arity=-1)
def unixs_listen(vm, self, args, blk):
    return _listen(vm, self, args)


@method("UNIXServer", "sysaccept", arity=-1)
def unixs_sysaccept(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _call(vm, _cls(vm, "Socket"), "_accept", _call(vm, self, "fileno"))


# ========================================================= Socket::Option
_OPT_IVARS = ("@family", "@level", "@optname", "@data")


@method("Socket::Option", "initialize", arity=-1, visibility="private")
def opt_initialize(vm, self, args, blk):
    rb_argc(vm, args, 4)
    for name, w in zip(_OPT_IVARS, args):
        vm.ivar_set(self, vm.intern(name), w)
    return NIL


def _pack_i(vm, n):
    return _call(vm, vm.ary_new([n]), "pack", vm.str_new(b"i"))


@smethod("Socket::Option", "bool", arity=-1)
def opt_s_bool(vm, self, args, blk):
    rb_argc(vm, args, 4)
    data = _pack_i(vm, abi.fixnum(1 if abi.truthy(args[3]) else 0))
    return _call(vm, self, "new", args[0], args[1], args[2], data)


@smethod("Socket::Option", "int", arity=-1)
def opt_s_int(vm, self, args, blk):
    rb_argc(vm, args, 4)
    return _call(vm, self, "new", args[0], args[1], args[2], _pack_i(vm, args[3]))


def _opt_reader(ivar):
    def reader(vm, self, args, blk):
        return vm.ivar_get(self, vm.intern(ivar))
    return reader


for _name in ("data", "family", "level", "optname"):
    method("Socket::Option", _name, arity=0)(_opt_reader("@" + _name))


def _unpack_i(vm, self):
    data = vm.ivar_get(self, vm.intern("@data"))
    return _call(vm, _call(vm, data, "unpack", vm.str_new(b"i")), "[]", abi.fixnum(0))


@method("Socket::Option", "bool", arity=-1)
def opt_bool(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return vm.bool(not _eq(vm, _unpack_i(vm, self), 0))


@method("Socket::Option", "int", arity=-1)
def opt_int(vm, self, args, blk):
    rb_argc(vm, args, 0)
    return _unpack_i(vm, self)


@method("Socket::Option", "inspect", arity=-1)
def opt_inspect(vm, self, args, blk):
    rb_argc(vm, args, 0)
    iv = [vm.ivar_get(self, vm.intern(n)) for n in _OPT_IVARS]
    text = (b"#<Socket::Option: family:" + _to_s(vm, iv[0]) + b" level:" + _to_s(vm, iv[1])
            + b" optname:" + _to_s(vm, iv[2]) + b" " + _to_s(vm, _call(vm, iv[3], "inspect"))
            + b">")
    return vm.str_new(text)


@method("Socket::Option", "linger", arity=-1)
def opt_linger(vm, self, args, blk):
    rb_argc(vm, args, 0)
    vm.raise_exc(_call(vm, vm.c_NotImplementedError.word, "new"))


@method("Socket::Option", "unpack", arity=-1)
def opt_unpack(vm, self, args, blk):
    rb_argc(vm, args, 1)
    vm.raise_exc(_call(vm, vm.c_NotImplementedError.word, "new"))


# -------------------------------------------------------------------- boot
def setup(vm):
    """The classes, under the superclasses mruby gives them."""
    io = vm.cls("IO")
    vm.define_class("Addrinfo")
    bsock = vm.define_class("BasicSocket", io)
    ipsock = vm.define_class("IPSocket", bsock)
    tcpsock = vm.define_class("TCPSocket", ipsock)
    vm.define_class("TCPServer", tcpsock)
    vm.define_class("UDPSocket", ipsock)
    sock = vm.define_class("Socket", bsock)
    unix = vm.define_class("UNIXSocket", bsock)
    vm.define_class("UNIXServer", unix)
    for c in (bsock, ipsock, tcpsock, sock, unix):
        c.instance_type = RData
    vm.define_module("Constants", sock)
    vm.define_class("Option", None, sock)
    vm.define_class("SocketError", vm.c_StandardError)


def init(vm):
    sock = vm.cls("Socket")
    consts = vm.cls("Socket::Constants")
    for name, value in CONSTANTS:
        vm.define_const(consts, name, abi.fixnum(value))
    vm.include_module(sock, consts)
    vm.cv_set(vm.cls("BasicSocket"), _sym_dnrl(vm), TRUE)


# the parameters of the methods mruby writes in Ruby (Method#parameters, #arity)
_BLOCK = (("block", "block"),)
for _fn, _p in (
        (ai_initialize, (("req", "sockaddr"), ("opt", "family"), ("opt", "socktype"),
                         ("opt", "protocol"))),
        (ai_s_foreach, (("req", "nodename"), ("req", "service"), ("opt", "family"),
                        ("opt", "socktype"), ("opt", "protocol"), ("opt", "flags")) + _BLOCK),
        (ai_s_ip, (("req", "host"),)), (ai_s_tcp, (("req", "host"), ("req", "port"))),
        (ai_s_udp, (("req", "host"), ("req", "port"))),
        (ai_s_unix, (("req", "path"), ("opt", "socktype"))),
        (ai_afamily, ()), (ai_inspect, ()), (ai_inspect_sockaddr, ()), (ai_ip_p, ()),
        (ai_ip_address, ()), (ai_ip_port, ()), (ai_ip_unpack, ()), (ai_ipv4_p, ()),
        (ai_ipv6_p, ()), (ai_unix_p, ()), (ai_to_array, ()), (ai_to_sockaddr, ()),
        (bs_s_dnrl, ()), (bs_s_set_dnrl, (("req", "val"),)), (bs_initialize, (("rest", "args"),)),
        (bs_s_for_fd, (("req", "fd"),)), (bs_local_address, ()), (bs_remote_address, ()),
        (bs_recv_nonblock, (("req", "maxlen"), ("opt", "flags"))),
        (ips_s_getaddress, (("req", "host"),)), (ips_addr, ()), (ips_peeraddr, ()),
        (ips_recvfrom, (("req", "maxlen"), ("opt", "flags"))),
        (tcp_initialize, (("req", "host"), ("req", "service"), ("opt", "local_host"),
                          ("opt", "local_service"))),
        (tcp_s_new_with_prelude, (("req", "pre"), ("rest", "args"))),
        (tcps_initialize, (("opt", "host"), ("req", "service"))),
        (tcps_accept, ()), (tcps_accept_nonblock, ()), (tcps_listen, (("req", "backlog"),)),
        (tcps_sysaccept, ()), (udp_initialize, (("opt", "af"),)),
        (udp_bind, (("req", "host"), ("req", "port"))),
        (udp_connect, (("req", "host"), ("req", "port"))),
        (udp_recvfrom_nonblock, (("rest", "args"),)),
        (udp_send, (("req", "mesg"), ("req", "flags"), ("opt", "host"), ("opt", "port"))),
        (udp__sockaddr_in, (("req", "port"), ("req", "host"))),
        (sock_initialize, (("req", "domain"), ("req", "type"), ("opt", "protocol"))),
        (sock_s_getaddrinfo, (("req", "nodename"), ("req", "servname"), ("opt", "family"),
                              ("opt", "socktype"), ("opt", "protocol"), ("opt", "flags"))),
        (sock_s_open, (("rest", "args"),)),
        (sock_s_sockaddr_in, (("req", "port"), ("req", "host"))),
        (sock_s_unpack_sockaddr_in, (("req", "sa"),)),
        (sock_s_unpack_sockaddr_un, (("req", "sa"),)),
        (sock_accept, ()), (sock_accept_nonblock, ()), (sock_bind, (("req", "sockaddr"),)),
        (sock_connect, (("req", "sockaddr"),)), (sock_connect_nonblock, (("req", "sockaddr"),)),
        (sock_listen, (("req", "backlog"),)),
        (sock_recvfrom, (("req", "maxlen"), ("opt", "flags"))),
        (sock_recvfrom_nonblock, (("rest", "args"),)), (sock_sysaccept, ()),
        (unix_initialize, (("req", "path"),) + _BLOCK),
        (unix_s_socketpair, (("opt", "type"), ("opt", "protocol"))),
        (unix_addr, ()), (unix_path, ()), (unix_peeraddr, ()),
        (unix_recvfrom, (("req", "maxlen"), ("opt", "flags"))),
        (unixs_initialize, (("req", "path"),)), (unixs_accept, ()), (unixs_accept_nonblock, ()),
        (unixs_listen, (("req", "backlog"),)), (unixs_sysaccept, ()),
        (opt_initialize, (("req", "family"), ("req", "level"), ("req", "optname"),
                          ("req", "data"))),
        (opt_s_bool, (("req", "family"), ("req", "level"), ("req", "optname"), ("req", "bool"))),
        (opt_s_int, (("req", "family"), ("req", "level"), ("req", "optname"),
                     ("req", "integer"))),
        (opt_bool, ()), (opt_int, ()), (opt_inspect, ()), (opt_linger, ()),
        (opt_unpack, (("req", "template"),))):
    _fn.mrblib_params = _p
