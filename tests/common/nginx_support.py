"""The shipped nginx configuration (deploy/nginx/suitability.conf) run for real on loopback, without root: its
pid file, temp folders and logs in a test folder, the upstream and listen ports swapped for free ones."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Self

from tests.common.gunicorn_support import ROOT, free_port

SHIPPED = ROOT / "deploy" / "nginx" / "suitability.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def available() -> bool:
    return Path(NGINX).exists()


class Nginx:
    """nginx with the shipped server block in front of the app server at `upstream_port`."""

    def __init__(self, workdir: Path, upstream_port: int) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = workdir / "nginx"
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.dir / "temp" / sub).mkdir(parents=True, exist_ok=True)
        server = SHIPPED.read_text()
        assert "server 127.0.0.1:8000;" in server and "listen 80;" in server
        server = server.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
        server = server.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        temp = self.dir / "temp"
        (self.dir / "nginx.conf").write_text(f"""
{'user root;' if os.geteuid() == 0 else ''}
worker_processes 1;
pid {self.dir / 'nginx.pid'};
error_log {self.dir / 'error.log'} info;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    access_log {self.dir / 'access.log'};
    client_body_temp_path {temp / 'body'};
    proxy_temp_path {temp / 'proxy'};
    fastcgi_temp_path {temp / 'fastcgi'};
    uwsgi_temp_path {temp / 'uwsgi'};
    scgi_temp_path {temp / 'scgi'};
{server}
}}
""")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Self:
        with open(self.dir / "stderr.log", "ab") as stderr:
            self.process = subprocess.Popen(
                [NGINX, "-p", str(self.dir), "-e", str(self.dir / "error.log"), "-c", str(self.dir / "nginx.conf"),
                 "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited: {(self.dir / 'stderr.log').read_text(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("nginx did not listen within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
