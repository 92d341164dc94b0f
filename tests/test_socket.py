"""The mruby-socket gem (runtime/core/socket.py) against live mruby 3.1.

Each program below runs under ``mruby -b`` and under ``riteload run`` in a
scratch folder of its own and must print the same stdout and stderr and
end with the same status.  The first ones port what applies of the gem's
own tests (mrbgems/mruby-socket/test/*.rb of mruby 3.1.0: addrinfo,
basicsocket, ipsocket, socket, udpsocket, unix; tcpsocket.rb has no test),
printing the values those tests check instead of asserting them, so any
difference from mruby shows; the others cover TCP and UNIX servers and
clients, datagrams, options, the errors of failed system calls and their
backtraces.  Two more run a server (and a client) as a process of its own
talking to this test over localhost, so output must be out before the
program waits in accept(2) or read(2), as it is under mruby.

Sockets are on 127.0.0.1 (or ``localhost``) with ports the kernel picks, or
UNIX sockets in the scratch folder; every run has a timeout.  The outputs
depend on the machine (what ``localhost`` resolves to, IPv6), so nothing is
recorded: without mruby 3.1 on PATH these tests are skipped.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time

import pytest

from mruby_runs import LIVE, ROOT, TOOLS

pytestmark = pytest.mark.skipif(not LIVE, reason="mruby 3.1 (mruby, mrbc) not on PATH")
TIMEOUT = 30

# t(name) { ... }: print the block's value, or the exception it raised
PRELUDE = """\
def t(name)
  r = yield
  puts "#{name}: #{r.inspect}"
rescue Exception => e
  puts "#{name}: #{e.class}: #{e.message}"
end
"""

CASES = {
    # ------------------------------------------------ the gem's tests, ported
    "gem_addrinfo": """
t("class") { [Addrinfo.class, Addrinfo.superclass] }
t("getaddrinfo localhost") {
  ary = Addrinfo.getaddrinfo("localhost", 53, Socket::AF_INET, Socket::SOCK_STREAM)
  ai = ary[0]
  [ary.size >= 1, ai.afamily == Socket::AF_INET, ai.pfamily == Socket::PF_INET,
   ai.socktype == Socket::SOCK_STREAM, ai.ip_address, ai.ip_port]
}
t("foreach") {
  a = Addrinfo.getaddrinfo("localhost", 80)
  b = []
  r = Addrinfo.foreach("localhost", 80) { |ai| b << ai }
  [a.size == b.size, r.size == b.size, b.map(&:class).uniq]
}
def fields(ai)
  [ai.ip_address, ai.afamily, ai.ip_port, ai.socktype, ai.protocol, ai]
end
t("ip") { fields(Addrinfo.ip("127.0.0.1")) }
t("tcp") { fields(Addrinfo.tcp("127.0.0.1", 25)) }
t("udp") { fields(Addrinfo.udp("127.0.0.1", 53)) }
t("unix") {
  a1 = Addrinfo.unix("/tmp/sock")
  a2 = Addrinfo.unix("/tmp/sock", Socket::SOCK_DGRAM)
  [a1.unix?, a1.unix_path, a1.socktype, a2.socktype, a1, a1.to_sockaddr.size]
}
t("afamily") {
  [Addrinfo.new(Socket.sockaddr_in(1, "127.0.0.1")).afamily,
   Addrinfo.new(Socket.sockaddr_in(1, "::1")).afamily,
   Addrinfo.new(Socket.sockaddr_un("/tmp/sock")).afamily]
}
t("the rest") {
  ai = Addrinfo.tcp("127.0.0.1", 80)
  [ai.inspect_sockaddr, ai.ip?, ai.ipv4?, ai.ipv6?, ai.unix?, ai.ip_unpack, ai._to_array,
   ai.to_sockaddr, ai.to_s == ai.to_sockaddr, ai.canonname, ai.instance_variables,
   Addrinfo.tcp("::1", 8080), Addrinfo.new(["AF_INET", 80, "name", "127.0.0.1"])]
}
t("errors") {
  r = []
  [[1, 2], ["127.0.0.1", 2.5], ["127.0.0.1", "no-such-service"],
   ["127.0.0.1", 80, 12345]].each do |args|
    begin
      Addrinfo.getaddrinfo(*args)
    rescue => e
      r << [e.class, e.message]
    end
  end
  r
}
""",
    "gem_basicsocket": """
t("class") { [BasicSocket.class, BasicSocket.superclass] }
t("do_not_reverse_lookup") { BasicSocket.do_not_reverse_lookup }
t("do_not_reverse_lookup=") {
  BasicSocket.do_not_reverse_lookup = false
  r = BasicSocket.do_not_reverse_lookup
  BasicSocket.do_not_reverse_lookup = 1
  [r, BasicSocket.do_not_reverse_lookup, BasicSocket.class_variables]
}
""",
    "gem_ipsocket": """
t("getaddress") { l = IPSocket.getaddress("localhost"); l == "127.0.0.1" || l == "::1" }
t("addr") {
  s = UDPSocket.new
  s.bind("127.0.0.1", 0)
  port = Addrinfo.new(s.getsockname).ip_port
  a = s.addr
  s.close
  [a[0], a[1] == port, a[2], a[3]]
}
t("peeraddr") {
  server = UDPSocket.new
  server.bind("127.0.0.1", 0)
  port = server.local_address.ip_port
  client = UDPSocket.new
  client.connect("127.0.0.1", port)
  a = client.peeraddr
  client.close
  server.close
  [a[0], a[1] == port, a[2], a[3]]
}
t("ntop, pton") {
  [IPSocket.ntop(Socket::AF_INET, "\\x7f\\x00\\x00\\x01"), IPSocket.pton(Socket::AF_INET6, "::1"),
   IPSocket.pton(Socket::AF_INET, "10.1.2.3")]
}
t("pton bad") { IPSocket.pton(Socket::AF_INET, "x") }
t("pton family") { IPSocket.pton(99, "1.2.3.4") }
t("ntop bad") { IPSocket.ntop(Socket::AF_INET, "xx") }
""",
    "gem_socket": """
t("gethostname") { Socket.gethostname.is_a?(String) }
t("getaddrinfo") {
  ret = Socket.getaddrinfo("localhost", 53, Socket::AF_INET, Socket::SOCK_DGRAM)
  [ret.size >= 1, ret[0]]
}
t("recvfrom") {
  sstr = "abcdefg"
  s = Socket.new(Socket::AF_INET, Socket::SOCK_DGRAM, 0)
  c = Socket.new(Socket::AF_INET, Socket::SOCK_DGRAM, 0)
  begin
    s.bind(Socket.sockaddr_in(0, "127.0.0.1"))
    c.send sstr, 0, s.getsockname
    rstr, ai = s.recvfrom sstr.size
    [rstr, ai.ip_address, ai.class, ai.socktype]
  ensure
    s.close rescue nil
    c.close rescue nil
  end
}
t("sockaddrs") {
  sa = Socket.sockaddr_in(80, "127.0.0.1")
  [sa, Socket.pack_sockaddr_in(80, "::1").size, Socket.unpack_sockaddr_in(sa),
   Socket.sockaddr_un("/tmp/sock").size, Socket.unpack_sockaddr_un(Socket.sockaddr_un("/tmp/sock")),
   Socket._sockaddr_family(sa)]
}
t("sockaddr too short") { Socket._sockaddr_family("\\x01") }
t("sockaddr_un too long") { Socket.sockaddr_un("x" * 108) }
t("open") { Socket.open(Socket::AF_INET, Socket::SOCK_STREAM) }
t("bad domain") { Socket.new(12345, Socket::SOCK_STREAM) }
""",
    "gem_udpsocket": """
t("new") {
  s = UDPSocket.new
  r = [s.is_a?(UDPSocket), s.instance_variables]
  s.close
  s = UDPSocket.new(Socket::AF_INET6)
  r << s.is_a?(UDPSocket)
  s.close
  r
}
t("send, recvfrom") {
  u1 = UDPSocket.new
  u1.bind("127.0.0.1", 0)
  u2 = UDPSocket.new
  u2.connect("127.0.0.1", u1.addr[1])
  u2.send("dgram", 0)
  m, a = u1.recvfrom(100)
  u3 = UDPSocket.new
  u3.send("to", 0, "127.0.0.1", u1.addr[1])
  m2, a2 = u1.recvfrom_nonblock(100)
  r = [m, a[0], a[2], a[1] == u2.addr[1], m2, a2[2]]
  [u1, u2, u3].each(&:close)
  r
}
t("recvfrom_nonblock, nothing there") {
  u = UDPSocket.new
  u.bind("127.0.0.1", 0)
  begin
    u.recvfrom_nonblock(10)
  ensure
    u.close
  end
}
""",
    "gem_unix": """
$path = "mruby-socket.sock"
def server_block
  File.unlink $path rescue nil
  begin
    yield $path
  ensure
    File.unlink $path rescue nil
  end
end
def with_server
  server_block { |path| UNIXServer.open(path) { |server| yield path, server } }
end
def with_client
  with_server do |path, server|
    UNIXSocket.open(path) do |csock|
      ssock = server.accept
      begin
        yield path, server, ssock, csock
      ensure
        ssock.close unless ssock.closed? rescue nil
      end
    end
  end
end
t("UNIXServer.new") {
  server_block do |path|
    server = UNIXServer.new(path)
    r = [server.is_a?(UNIXServer), File.socket?(path)]
    server.close
    File.unlink path
    s2 = nil
    r << UNIXServer.open(path) { |s1| s2 = s1; 1234 }
    r + [s2.class, s2.closed?]
  end
}
t("UNIXServer#addr, #path, #listen") {
  with_server { |path, server| [server.addr, server.path, server.listen(1)] }
}
t("UNIXServer#sysaccept") {
  with_server do |path, server|
    UNIXSocket.open(path) do |csock|
      begin
        fd = server.sysaccept
        fd.kind_of?(Integer)
      ensure
        IO._sysclose(fd) rescue nil
      end
    end
  end
}
t("UNIXSocket.new") {
  with_server { |path, server| c = UNIXSocket.new(path); r = c.class; c.close; r }
}
t("UNIXSocket#addr, #path, #peeraddr") {
  with_client do |path, server, ssock, csock|
    [ssock.addr, csock.addr, ssock.path, csock.path, ssock.peeraddr, csock.peeraddr]
  end
}
t("UNIXSocket#recvfrom") {
  with_client do |path, server, ssock, csock|
    ssock.send "0123456789", 0
    a = csock.recvfrom(8)
    [a[0], a[1][0]]
  end
}
t("pair") {
  a, b = UNIXSocket.pair
  a.puts "hey"
  r = [b.gets, a.path, a.addr, b.peeraddr, a.class, a.instance_variables]
  a.close
  b.close
  r
}
t("UNIXServer on a folder") { UNIXServer.new(".") }
t("nobody there") { UNIXSocket.new("nonexistent.sock") }
""",
    # ---------------------------------------------------------- beyond them
    "tcp": """
srv = TCPServer.new("127.0.0.1", 0)
port = srv.addr[1]
t("server") { [srv.class.ancestors, srv.addr[0], srv.addr[2], srv.instance_variables] }
t("address in use") { TCPServer.new("127.0.0.1", port) }
t("refused") { TCPSocket.new("127.0.0.1", 1) }
c = TCPSocket.new("127.0.0.1", port)
s = srv.accept
t("accepted") { [s.class, s.instance_variables, c.instance_variables, s.peeraddr[1] == c.addr[1]] }
t("remote") {
  [c.remote_address.ip_port == port, c.local_address.ip_address, s.do_not_reverse_lookup]
}
t("nothing to accept") { srv.accept_nonblock }
t("nothing to read") { s.recv_nonblock(10) }
c.write "line1\\nline2\\n"
t("gets") { s.gets }
t("read") { s.read(3) }
c.write "more"
t("recv") { s.recv(100) }
c.print "abc"
t("sysread") { s.sysread(10) }
t("send") { c.send("hi", 0) }
t("peek") { s.recv(10, Socket::MSG_PEEK) }
t("recv again") { s.recv(10) }
c.puts "back", "and forth"
t("each_line") { r = []; s.each_line { |l| r << l; break if r.size == 2 }; r }
c.shutdown(Socket::SHUT_WR)
t("read to the end") { s.read }
t("eof?") { s.eof? }
t("recv at the end") { s.recv(10) }
t("getpeereid") { s.getpeereid }
t("sync") { [c.sync, s.sync, c.fileno.class] }
c.close
s.close
t("closed") { c.addr }
t("closed recv") { c.recv(1) }
t("listen") { srv.listen(10) }
t("no peer") { srv.remote_address }
srv.close
t("any address") { x = TCPServer.new(0); r = [x.addr[0], x.addr[2]]; x.close; r }
t("local host") {
  sv = TCPServer.new("127.0.0.1", 0)
  c = TCPSocket.new("127.0.0.1", sv.addr[1], "127.0.0.1")
  k = sv.accept
  r = [k.peeraddr[2], c.local_address.ip_address]
  [c, k, sv].each(&:close)
  r
}
t("bad service") { TCPSocket.new("127.0.0.1", "no-such-service") }
""",
    "options": """
sv = TCPServer.new("127.0.0.1", 0)
c = TCPSocket.new("127.0.0.1", sv.addr[1])
t("SO_TYPE") { c.getsockopt(Socket::SOL_SOCKET, Socket::SO_TYPE).int }
t("SO_REUSEADDR") {
  [sv.getsockopt(Socket::SOL_SOCKET, Socket::SO_REUSEADDR).bool,
   c.getsockopt(Socket::SOL_SOCKET, Socket::SO_REUSEADDR)]
}
t("true") { c.setsockopt(Socket::SOL_SOCKET, Socket::SO_KEEPALIVE, true) }
t("on") { c.getsockopt(Socket::SOL_SOCKET, Socket::SO_KEEPALIVE).bool }
t("Option") {
  o = Socket::Option.bool(Socket::AF_INET, Socket::SOL_SOCKET, Socket::SO_KEEPALIVE, false)
  c.setsockopt(o)
}
t("off") { c.getsockopt(Socket::SOL_SOCKET, Socket::SO_KEEPALIVE).bool }
t("integer") { c.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, 1) }
t("string") { c.setsockopt(Socket::IPPROTO_TCP, Socket::TCP_NODELAY, [0].pack("i")) }
t("float") { c.setsockopt(1, 2, 1.5) }
t("level") { c.setsockopt("x", 2, 1) }
t("one argument") { c.setsockopt(3) }
t("two arguments") { c.setsockopt(1, 2) }
t("Socket::Option") {
  o = Socket::Option.new(1, 2, 3, "\\x05\\x00\\x00\\x00")
  [o, o.int, o.bool, o.family, o.level, o.optname, o.data, Socket::Option.int(2, 1, 2, 7).int]
}
t("linger") { Socket::Option.int(1, 2, 3, 4).linger }
t("unpack") { Socket::Option.int(1, 2, 3, 4).unpack("i") }
t("shutdown") { [c.shutdown(Socket::SHUT_WR), c.shutdown] }
[c, sv].each(&:close)
""",
    "socket_class": """
t("listen, accept") {
  s1 = Socket.new(Socket::AF_INET, Socket::SOCK_STREAM)
  s1.bind(Addrinfo.tcp("127.0.0.1", 0))
  s1.listen(1)
  a = s1.local_address
  s2 = Socket.new(Socket::AF_INET, Socket::SOCK_STREAM, 0)
  s2.connect(a)
  conn, addr = s1.accept
  conn.write "x"
  r = [conn.class, addr.class, s2.read(1), Addrinfo.new(addr).ip_address, s1.instance_variables]
  [s1, s2, conn].each(&:close)
  r
}
t("socketpair") {
  a, b = Socket.pair(Socket::AF_UNIX, Socket::SOCK_STREAM, 0)
  x = Socket.for_fd(a)
  y = Socket.for_fd(b)
  x.write "pair"
  r = [y.read(4), x.class, x.instance_variables]
  x.close
  y.close
  r
}
t("for_fd") {
  s = Socket.new(Socket::AF_INET, Socket::SOCK_DGRAM)
  b = BasicSocket.for_fd(s.fileno)
  [b.class, b.instance_variables]
}
t("tables") {
  [Socket.ancestors, SocketError.ancestors[0, 3], Socket::Constants.class,
   Socket.include?(Socket::Constants), Socket::AF_INET, Socket::SOCK_STREAM,
   Socket::Constants.constants.size]
}
t("methods") {
  [Addrinfo, BasicSocket, IPSocket, TCPSocket, TCPServer, UDPSocket, Socket, UNIXSocket,
   UNIXServer, Socket::Option].map do |c|
    [c, c.instance_methods(false).sort, c.singleton_methods(false).sort]
  end
}
t("arity") {
  [IPSocket.instance_method(:recvfrom).arity, TCPSocket.instance_method(:initialize).arity,
   Addrinfo.method(:foreach).arity, Socket.method(:pair), Socket.method(:pack_sockaddr_in)]
}
""",
    "uncaught": """
srv = TCPServer.new("127.0.0.1", 0)
begin
  TCPSocket.new("127.0.0.1", 1)
rescue => e
  p e.class, e.message, e.backtrace
end
begin
  UNIXServer.new("mruby-socket.sock").accept_nonblock
rescue => e
  p e.backtrace
ensure
  File.unlink("mruby-socket.sock")
end
begin
  UDPSocket.new.recvfrom_nonblock(1)
rescue => e
  p e.backtrace
end
TCPServer.new("127.0.0.1", srv.addr[1])
""",
}


def _scratch(folder, source: str):
    """``folder`` (made) holding p.rb and the p.mrb ``mrbc -g`` makes of it."""
    folder.mkdir()
    (folder / "p.rb").write_text(source)
    subprocess.run([TOOLS[0], "-g", "-o", "p.mrb", "p.rb"], cwd=folder, check=True,
                   capture_output=True, timeout=TIMEOUT)
    return folder


def _riteload_cmd(engine: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "riteload", "run", "--engine", engine, *args]


def _env() -> dict:
    """This checkout first on PYTHONPATH: the programs run from scratch folders."""
    env = dict(os.environ)
    old = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + old if old else "")
    return env


def _run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT, env=_env(),
                       stdin=subprocess.DEVNULL)
    return p.stdout, p.stderr, p.returncode


def _both(tmp_path, source: str, engine: str = "interp"):
    """(mruby's (stdout, stderr, status), riteload's), each run in a folder of its own."""
    expected = _run([TOOLS[1], "-b", "p.mrb"], _scratch(tmp_path / "mruby", source))
    got = _run(_riteload_cmd(engine, "p.mrb"), _scratch(tmp_path / "riteload", source))
    return expected, got


QUICK = ("tcp", "uncaught")        # the quick tier's sample (pytest -m "not slow")


@pytest.mark.parametrize("name", [pytest.param(n, marks=[] if n in QUICK else [pytest.mark.slow])
                                  for n in sorted(CASES)])
def test_socket_program_matches_mruby(name, tmp_path):
    expected, got = _both(tmp_path, PRELUDE + CASES[name])
    assert got == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", QUICK)
def test_socket_program_native(name, tmp_path):
    expected, got = _both(tmp_path, PRELUDE + CASES[name], "native")
    assert got == expected


# ------------------------------------------------ a program talking to this test
SERVER = """\
srv = TCPServer.new("127.0.0.1", 0)
puts srv.addr[1]
c = srv.accept
line = c.gets
puts "got #{line.inspect}"
c.puts line.upcase
c.close
srv.close
puts "done"
"""

CLIENT = """\
c = TCPSocket.new("127.0.0.1", ARGV[0].to_i)
puts "connected"
c.puts "ping"
p c.gets
c.close
"""


def _readline(proc, deadline) -> bytes:
    """One line of the process's stdout, waiting at most until ``deadline``."""
    buf = b""
    fd = proc.stdout.fileno()
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            proc.kill()
            pytest.fail(f"no line from the program in time (so far {buf!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            break
        buf += chunk
    return buf


def _serve_once(cmd, cwd):
    """Run the server program: read the port it prints (before it waits in
    accept), connect, talk, and return (what it sent, the rest of its output)."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=_env())
    try:
        deadline = time.monotonic() + TIMEOUT
        port = int(_readline(proc, deadline))
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
            s.sendall(b"hello\n")
            reply = s.makefile("rb").readline()
        out, err = proc.communicate(timeout=TIMEOUT)
        return reply, out, err, proc.returncode
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _client_once(cmd, cwd):
    """Run the client program against a server of this test."""
    with socket.create_server(("127.0.0.1", 0)) as srv:
        srv.settimeout(TIMEOUT)
        port = srv.getsockname()[1]
        proc = subprocess.Popen(cmd + [str(port)], cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=_env())
        try:
            conn, _ = srv.accept()
            with conn:
                conn.settimeout(TIMEOUT)
                first = _readline(proc, time.monotonic() + TIMEOUT)     # before it waits
                line = conn.makefile("rb").readline()
                conn.sendall(b"pong " + line)
            out, err = proc.communicate(timeout=TIMEOUT)
            return first, line, out, err, proc.returncode
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.mark.parametrize("engine", ["interp", pytest.param("native", marks=pytest.mark.slow)])
def test_server_process(engine, tmp_path):
    expected = _serve_once([TOOLS[1], "-b", "p.mrb"], _scratch(tmp_path / "m", SERVER))
    got = _serve_once(_riteload_cmd(engine, "p.mrb"), _scratch(tmp_path / "r", SERVER))
    assert expected[0] == b"HELLO\n"
    assert got == expected


@pytest.mark.slow
def test_client_process(tmp_path):
    expected = _client_once([TOOLS[1], "-b", "p.mrb"], _scratch(tmp_path / "m", CLIENT))
    got = _client_once(_riteload_cmd("interp", "p.mrb"), _scratch(tmp_path / "r", CLIENT))
    assert expected[:2] == (b"connected\n", b"ping\n")
    assert got == expected
