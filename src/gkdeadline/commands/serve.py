"""The ``serve`` command: the HTTP service (:mod:`gkdeadline.server`) on uvicorn.

FastAPI and uvicorn are the optional ``server`` extra; they are imported only here, when the
command runs, and their absence is a :class:`~gkdeadline.errors.MissingDependencyError` (the
install hint, exit status 2), never an internal error.
"""

from __future__ import annotations

import os
import socket
from importlib import import_module

import click

from gkdeadline.cli import HELP
from gkdeadline.errors import GkDeadlineError, InputError, MissingDependencyError


def _require(*modules: str) -> None:
    for name in modules:
        try:
            import_module(name)
        except ImportError:
            raise MissingDependencyError("server", name) from None


def _check_port(host: str, port: int) -> None:
    """Fail before starting workers when the address cannot be listened on (exit status 2)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            s.bind(address)
    except OSError as exc:
        raise InputError(
            f"无法在 {host}:{port} 上监听：{exc.strerror or exc}（端口已被占用，或地址不属于本机）",
            code="address-unavailable",
            message_en=f"cannot listen on {host}:{port}: {exc}",
            field="port",
            value=port,
        ) from None


@click.command("serve", context_settings=HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes (each loads the calendar and the compiled batch engine).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    help="uvicorn's log level (info logs every request).",
)
def serve_cmd(host: str, port: int, workers: int, log_level: str) -> None:
    """Run the HTTP service (JSON API; OpenAPI at /docs). See docs/server.md."""
    _require("fastapi", "uvicorn")
    import uvicorn

    from gkdeadline.calendar import Calendar
    from gkdeadline.server import WORKERS_ENV

    Calendar().last_day()  # a bad file in the schedule folder stops here, with its message
    _check_port(host, port)
    os.environ[WORKERS_ENV] = str(workers)  # the workers inherit it (POST /calendar/reload)
    click.echo(
        f"gkdeadline: http://{host}:{port}（{workers} 个工作进程；接口文档 /docs；Ctrl-C 停止）",
        err=True,
    )
    config = uvicorn.Config(
        "gkdeadline.server:serve_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
    )
    if workers == 1:
        server = uvicorn.Server(config)
        try:
            server.run()
        except SystemExit:  # uvicorn exits 3 when the application cannot start
            server.started = False
        if not server.started:  # uvicorn logged why
            raise GkDeadlineError(
                "服务未能启动，原因见上面 uvicorn 的日志",
                code="server-start-failed",
                message_en="the server could not start; see uvicorn's log above",
            )
        return
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=[_tcp(config.bind_socket())]).run()


def _tcp(sock: socket.socket) -> socket.socket:
    """The listening socket marked as TCP (``proto``), so its connections get TCP_NODELAY.

    uvicorn binds the shared socket of ``--workers N`` with ``proto`` 0; asyncio sets
    TCP_NODELAY only on connections whose socket says IPPROTO_TCP, so without this every
    keep-alive response waits for the client's delayed ACK (about 40 ms on Linux; uvicorn issue
    #3149). The same descriptor, re-wrapped; a no-op once uvicorn sets ``proto`` itself.
    """
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.proto == socket.IPPROTO_TCP:
        return sock
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)
    return tcp
