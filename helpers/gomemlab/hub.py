"""The workshop server: JupyterHub on one machine, started and stopped from Python.

`start(port=8000, users=learners(8))` runs `jupyterhub -f hub/jupyterhub_config.py` on
127.0.0.1 (proxy: configurable-http-proxy from `npm ci --prefix hub`) and returns a `Hub`;
`hub.stop()` ends the hub, the proxy and every learner's server, kernel and Go child (found
by a marker in their environment, and in the learners' cgroups). Each learner's server runs
`python -m gomemlab.hub singleuser`: the learner's working copy of the notebooks, served with
the lab's options, never as root.

By default (`isolate=True`, the hub run as root on Linux) every learner is their own account
in their own cgroup (`gomemlab.hubspawner`, `gomemlab.accounts`, `gomemlab.cgroups`); the
hub's secrets live in a settings file only root reads, never in an environment. See
docs/workshop-server.md for the model: what is isolated, by what, and what is not.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import accounts, cgroups, toolchain, validate
from .errors import GomemlabError, UsageError

HUB_DIR = Path(__file__).resolve().parents[2] / "hub"
CONFIG = HUB_DIR / "jupyterhub_config.py"
MARKER_VAR = "GOMEMLAB_HUB_MARKER"


class HubError(GomemlabError):
    """The workshop server could not start, answer or stop."""


def proxy_program() -> Path | None:
    """configurable-http-proxy: hub/node_modules/.bin (`npm ci --prefix hub`), else on PATH."""
    local = HUB_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists() and shutil.which("node"):
        return local
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def learners(n: int) -> tuple[str, ...]:
    """The default names of `n` learners: learner01, learner02, ..."""
    validate.count(n, "users", maximum=999)
    return tuple(f"learner{i:02d}" for i in range(1, n + 1))


def default_root() -> Path:
    """The hub's state and learners' homes: $GOMEMLAB_HUB_ROOT, else /var/lib/gomemlab-hub for
    root (learners' accounts must reach their homes: root's own home is closed), else
    ~/.local/state/gomemlab-hub."""
    named = os.environ.get("GOMEMLAB_HUB_ROOT")
    if named:
        return Path(named).expanduser()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/gomemlab-hub")
    return Path.home() / ".local/state/gomemlab-hub"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_cache(root: Path | str, *, timeout: float = 1800) -> Path:
    """A warm Go build cache for new learners: `gomemlab warm` run once with HOME=<root>/seed
    (made only when missing); its ~/.cache/go-build path. Learners get copies, never this one.
    The marker `<root>/seed/.warm` records (JSON) how many files the seed's home held before
    the warm (0: it was built from nothing) and how many cache entries it made."""
    home = Path(root).expanduser() / "seed"
    cache = home / ".cache" / "go-build"
    if (home / ".warm").exists() and cache.is_dir():
        return cache
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HubError(
            f"the hub's folder {home.parent} cannot be used ({error.strerror or error}): pass "
            "--root or set GOMEMLAB_HUB_ROOT to a folder the hub may write"
        ) from None
    files_before = sum(1 for _ in home.rglob("*"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOMEMLAB_", "GOCACHE", "XDG_", "GOPATH", "GOMODCACHE"))
    }
    env["HOME"] = str(home)
    began = time.monotonic()
    try:
        subprocess.run(
            [sys.executable, "-m", "gomemlab.cli", "warm"],
            env=env,
            cwd=home,
            check=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise HubError(f"warming the learners' seed Go cache in {home} failed: {error}") from None
    record = {
        "files_before": files_before,
        "cache_entries": sum(1 for _ in cache.rglob("*-d")),
        "seconds": round(time.monotonic() - began, 1),
    }
    (home / ".warm").write_text(json.dumps(record) + "\n")
    return cache


def seed_record(root: Path | str) -> dict[str, float]:
    """What `seed_cache` recorded when it made the seed under `root` ({} when not made, or
    made before the record existed)."""
    marker = Path(root).expanduser() / "seed" / ".warm"
    try:
        found = json.loads(marker.read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def command(port: int, hub_port: int, proxy_api_port: int) -> list[str]:
    """The `jupyterhub` argument list (ports on the command line win over the config file)."""
    return [
        sys.executable,
        "-m",
        "jupyterhub",
        "-f",
        str(CONFIG),
        f"--JupyterHub.bind_url=http://127.0.0.1:{port}",
        f"--JupyterHub.hub_port={hub_port}",
        f"--ConfigurableHTTPProxy.api_url=http://127.0.0.1:{proxy_api_port}",
    ]


@dataclass(frozen=True)
class Hub:
    """A running workshop server: its URL, learners, shared password and admin token."""

    url: str
    root: Path
    users: tuple[str, ...]
    password: str
    token: str
    marker: str
    log: Path | None
    process: subprocess.Popen = field(repr=False, compare=False)
    room: cgroups.Room | None = field(default=None, repr=False, compare=False)

    def home(self, user: str) -> Path:
        """The learner's own HOME (scratch, Go build cache, notebook copy, progress)."""
        return self.root / "home" / user

    def api(self, method: str, path: str, body: Any = None, *, timeout: float = 30) -> Any:
        """Call the hub's REST API (`path` under /hub/api/) with the admin token; JSON or None."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}hub/api/{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                text = answer.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise HubError(f"hub API {method} {path}: HTTP {error.code}: {detail}") from None
        return json.loads(text) if text.strip() else None

    def start_server(self, user: str, *, timeout: float = 240) -> str:
        """Start `user`'s server (creating the user if needed); its URL path, e.g. /user/NAME/."""
        return self.start_servers([user], timeout=timeout)[user]

    def start_servers(self, users: list[str] | tuple[str, ...], *, timeout: float = 240) -> dict:
        """Start the servers of `users` all at once (as a room logging in does); their URL
        paths by user."""
        for user in users:
            try:
                self.api("GET", f"users/{user}")
            except HubError:
                self.api("POST", f"users/{user}")
            self.api("POST", f"users/{user}/server")
        ready: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for user in [u for u in users if u not in ready]:
                model = self.api("GET", f"users/{user}")
                server = model.get("servers", {}).get("", {})
                if server.get("ready"):
                    ready[user] = server["url"]
                elif not model.get("pending") and not server:
                    raise HubError(f"{user}'s server stopped while starting: see {self.log}")
            if len(ready) == len(users):
                return ready
            time.sleep(0.5)
        raise HubError(
            f"servers of {sorted(set(users) - set(ready))} did not start within "
            f"{timeout:.0f} s: see {self.log}"
        )

    def processes(self) -> list[Any]:
        """Every live process carrying this hub's marker (hub, proxy, servers, kernels, Go)."""
        import psutil

        found = []
        for proc in psutil.process_iter():
            try:
                if proc.environ().get(MARKER_VAR) == self.marker:
                    found.append(proc)
            except (psutil.Error, OSError):
                continue
        return found

    def stop(self, timeout: float = 60) -> None:
        """Stop the hub (it stops the proxy and the learners' servers), then end any process
        still carrying the marker."""
        import psutil

        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        left = self.processes()
        for proc in left:
            with contextlib.suppress(psutil.Error):
                proc.terminate()
        _, alive = psutil.wait_procs(left, timeout=10)
        for proc in alive:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        psutil.wait_procs(alive, timeout=10)
        if self.room is not None:
            self.room.remove()

    def __enter__(self) -> Hub:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _traversable(folder: Path, what: str, fix: str) -> None:
    """HubError unless every folder above `folder` lets other accounts pass (o+x)."""
    for parent in folder.parents:
        if parent.exists() and not parent.stat().st_mode & 0o001:
            raise HubError(
                f"{parent} is closed to other accounts (mode {parent.stat().st_mode & 0o777:o}): "
                f"learners could not reach {what} {folder}; {fix}"
            )


def _reachable_by_learners(root: Path) -> None:
    """HubError unless a learner's account can reach its home, Python, gomemlab and Go."""
    _traversable(root, "their homes under", "pick a hub root whose every folder has o+x")
    python = Path(os.path.realpath(sys.executable))
    fix = "install the lab where every account may read it (e.g. /opt or /srv), or chmod o+x"
    _traversable(python, "the Python interpreter", fix + " the folder named")
    _traversable(Path(__file__).resolve(), "the gomemlab package", fix + " the folder named")
    if not os.stat(python).st_mode & 0o001:
        raise HubError(f"{python} is not executable by other accounts: {fix} it")


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by this account alone."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.replace(partial, path)


def _make_accounts(root: Path, users: tuple[str, ...], room: cgroups.Room) -> None:
    """Every learner's account and home, made now so that a failure stops the start; on a
    failure the accounts made here and the room's cgroups are removed again."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o711)
    (root / "home").mkdir(exist_ok=True)
    (root / "home").chmod(0o711)
    made: list[str] = []
    try:
        for user in users:
            if accounts.lookup(user) is None:
                made.append(user)
            accounts.ensure(user, root / "home" / user)
    except accounts.AccountError:
        for user in made:
            with contextlib.suppress(accounts.AccountError):
                accounts.remove(user)
        room.remove()
        raise


def _environment(settings: Path, marker: str, quick: bool | None) -> dict[str, str]:
    """The hub's environment: ours without any GOMEMLAB_HUB_ secret, naming the settings file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOMEMLAB_HUB_")}
    env.update(GOMEMLAB_HUB_SETTINGS=str(settings), **{MARKER_VAR: marker})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if quick is True:
        env["GOMEMLAB_QUICK"] = "1"
    elif quick is False:
        env.pop("GOMEMLAB_QUICK", None)
    return env


def _learner_names(users: object) -> tuple[str, ...]:
    """The learners' names, refused up front when one could not be an account and a folder
    under the hub's root (nothing that climbs out of it)."""
    if isinstance(users, str) or not isinstance(users, tuple | list):
        raise UsageError(f"users must be a list of learner names, not {users!r}")
    if not users:
        raise UsageError("users: name at least one learner")
    for name in users:
        if not isinstance(name, str) or not name or "/" in name or "\0" in name:
            raise UsageError(f"users: {name!r} is not a learner name (letters and digits)")
        if name.startswith((".", "-")):
            raise UsageError(f"users: {name!r} may not start with '.' or '-'")
    return tuple(users)


def start(
    port: int = 8000,
    *,
    users: tuple[str, ...] | list[str] = ("learner01",),
    root: Path | str | None = None,
    password: str | None = None,
    token: str | None = None,
    quick: bool | None = None,
    log: Path | str | None = "file",
    seed: Path | str | None = None,
    timeout: float = 120,
    isolate: bool = True,
    limits: cgroups.Limits | None = None,
) -> Hub:
    """Start the workshop server on 127.0.0.1:`port` and wait until it answers.

    `password` is the shared learners' password (made up when None); `token` the admin API
    token (made up when None); `quick` passes GOMEMLAB_QUICK to every kernel (None: as here);
    `log`: "file" writes <root>/state/hub.log, None leaves the output on this terminal;
    `seed`: a warm Go build cache (`seed_cache`) each new learner starts with a copy of.
    `isolate` (default): each learner is their own account in their own cgroup with `limits`
    (needs root on Linux); False: a room you trust, every server the hub's own account.
    Fails with a typed error, leaving nothing running, when the port is taken, the proxy is
    missing, or accounts or cgroups cannot be made.
    """
    validate.count(port, "port", minimum=1, maximum=65535)
    names = _learner_names(users)
    program = proxy_program()
    if program is None:
        raise HubError(
            "configurable-http-proxy is not installed: run `npm ci --prefix hub` "
            "(needs Node.js 20 or newer)"
        )
    if not _port_free(port):
        raise HubError(
            f"port {port} on 127.0.0.1 is in use (another hub?): stop it or pass another port"
        )
    home = Path(root).expanduser().resolve() if root is not None else default_root()
    password = password or secrets.token_urlsafe(9)
    if len(password) < 8:
        raise UsageError("password: the shared password needs 8 characters or more")
    token = token or secrets.token_hex(24)
    marker, nonce = secrets.token_hex(8), secrets.token_hex(8)
    limits = limits or cgroups.Limits()
    room = None
    state = home / "state"
    if isolate:
        accounts.require_root()
        _reachable_by_learners(home)
        room = cgroups.Room.create(f"gomemlab-hub-{marker}")
        _make_accounts(home, names, room)
    state.mkdir(mode=0o700, parents=True, exist_ok=True)
    state.chmod(0o700)
    (home / "home").mkdir(exist_ok=True)
    settings = state / "settings.json"
    _write_private(
        settings,
        json.dumps(
            {
                "root": str(home),
                "users": list(names),
                "password": password,
                "admin_password": os.environ.get("GOMEMLAB_HUB_ADMIN_PASSWORD"),
                "token": token,
                "nonce": nonce,
                "proxy": str(program),
                "seed": str(seed) if seed is not None else None,
                "isolate": isolate,
                "memory": limits.memory,
                "tasks": limits.pids,
                "cpus": limits.cpus or 0,
                "cgroup": f"gomemlab-hub-{marker}",
            }
        ),
    )
    env = _environment(settings, marker, quick)
    argv = command(port, free_port(), free_port())
    log_path = state / "hub.log" if log == "file" else (Path(log) if log else None)
    out = open(log_path, "ab") if log_path else None  # noqa: SIM115 (the child keeps it)
    try:
        process = subprocess.Popen(
            argv,
            cwd=state,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )
    except OSError:
        if room is not None:
            room.remove()
        raise
    finally:
        if out:
            out.close()
    hub = Hub(
        url=f"http://127.0.0.1:{port}/",
        root=home,
        users=names,
        password=password,
        token=token,
        marker=marker,
        log=log_path,
        process=process,
        room=room,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            hub.stop()
            raise HubError(
                f"the hub exited ({process.returncode}) while starting: {_tail(log_path)}"
            )
        try:
            # Only OUR hub knows the token and the nonce: another server on the port cannot
            # answer with both.
            if hub.api("GET", "user", timeout=5).get("name") == f"gomemlab-load-{nonce}":
                return hub
        except (HubError, OSError, ValueError, AttributeError):
            pass
        time.sleep(0.5)
    hub.stop()
    raise HubError(f"the hub did not answer on {hub.url} within {timeout:.0f} s: {_tail(log_path)}")


def remove_learners(users: tuple[str, ...] | list[str]) -> None:
    """Remove the learners' accounts and homes (userdel -r): after a workshop, or a test."""
    for user in users:
        accounts.remove(user)


@dataclass(frozen=True)
class CellRun:
    """One cell run in a learner's kernel: seconds from request to idle, and what came back."""

    seconds: float
    status: str  # "ok", "error" (the cell raised) or "timeout"
    stdout: str
    error: str


class Kernel:
    """A kernel in a learner's own server, driven like JupyterLab does (REST + websocket).

    `await Kernel.open(hub, user, server_url, token, path=...)`, then `await k.run(code)`,
    then `await k.close()`. `token` is the learner's own API token (`user_token`).
    """

    def __init__(self, base: str, token: str, session: dict, websocket: Any) -> None:
        self.base, self.token, self.session, self.ws = base, token, session, websocket
        self._n = 0

    @classmethod
    async def open(
        cls,
        hub: Hub,
        server_url: str,
        token: str,
        *,
        path: str = "scratch.ipynb",
        timeout: float = 120,
    ) -> Kernel:
        """Start a kernel for the notebook `path` (its folder is the kernel's working folder)."""
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        base = hub.url.rstrip("/") + server_url
        body = json.dumps(
            {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
        )
        answer = await AsyncHTTPClient().fetch(
            HTTPRequest(
                f"{base}api/sessions",
                method="POST",
                body=body,
                request_timeout=timeout,
                headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
            )
        )
        session = json.loads(answer.body)
        kernel_id = session["kernel"]["id"]
        ws_url = base.replace("http://", "ws://", 1) + (
            f"api/kernels/{kernel_id}/channels?session_id={secrets.token_hex(8)}"
        )
        ws = await websocket_connect(
            HTTPRequest(
                ws_url, headers={"Authorization": f"token {token}"}, request_timeout=timeout
            ),
            max_message_size=64 * 2**20,
        )
        return cls(base, token, session, ws)

    async def run(self, code: str, *, timeout: float = 300) -> CellRun:
        """Execute `code` and wait for the reply and the kernel going idle (or `timeout` s)."""
        import asyncio

        self._n += 1
        msg_id = f"gomemlab-{secrets.token_hex(6)}-{self._n}"
        self.ws.write_message(
            json.dumps(
                {
                    "channel": "shell",
                    "buffers": [],
                    "metadata": {},
                    "parent_header": {},
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "",
                        "session": self.session["id"],
                        "version": "5.3",
                        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    },
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        began = time.perf_counter()
        deadline = time.monotonic() + timeout
        stdout: list[str] = []
        error = ""
        replied = idle = False
        while not (replied and idle):
            left = deadline - time.monotonic()
            if left <= 0:
                return CellRun(time.perf_counter() - began, "timeout", "".join(stdout), error)
            try:
                text = await asyncio.wait_for(self.ws.read_message(), left)
            except asyncio.TimeoutError:
                continue
            if text is None:
                raise HubError("the kernel's websocket closed during a cell")
            if isinstance(text, bytes):
                continue  # binary frames carry buffers only
            msg = json.loads(text)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["header"]["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                stdout.append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                replied = True
                if content.get("status") == "error" and not error:
                    error = f"{content.get('ename')}: {content.get('evalue')}"
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
        return CellRun(
            time.perf_counter() - began, "error" if error else "ok", "".join(stdout), error
        )

    async def close(self) -> None:
        """Close the websocket and shut the kernel down."""
        from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

        self.ws.close()
        with contextlib.suppress(HTTPClientError, OSError):
            await AsyncHTTPClient().fetch(
                HTTPRequest(
                    f"{self.base}api/sessions/{self.session['id']}",
                    method="DELETE",
                    headers={"Authorization": f"token {self.token}"},
                    request_timeout=60,
                )
            )


def user_token(hub: Hub, user: str) -> str:
    """A new API token owned by `user` (what their browser session could do, no more)."""
    return hub.api(
        "POST", f"users/{user}/tokens", {"note": "gomemlab hub client", "expires_in": 86400}
    )["token"]


def _tail(log: Path | None, lines: int = 8) -> str:
    if not log or not log.exists():
        return "(its output went to the terminal)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def singleuser_command(extra: list[str]) -> list[str]:
    """The learner's server: jupyterhub-singleuser on their working copy, with `gomemlab lab`'s
    options (start on 00-start-here, the lab's settings, the Go tools' web UIs)."""
    from . import lab

    options = []
    for arg in lab.command(0, no_browser=True, extra=[]):
        if arg.startswith("--notebook-dir="):
            options.append("--ServerApp.root_dir=" + arg.split("=", 1)[1])
        elif arg.startswith(("--LabApp.", "--ServerApp.jpserver_extensions")):
            options.append(arg)
    return [sys.executable, "-m", "jupyterhub.singleuser", *options, *extra]


def _main(argv: list[str]) -> int:
    if argv[:1] != ["singleuser"]:
        print(
            "usage: python -m gomemlab.hub singleuser [jupyterhub-singleuser options]",
            file=sys.stderr,
        )
        return 2
    if os.geteuid() == 0:
        print(
            "gomemlab.hub singleuser: refusing to run a learner's server as root (a kernel "
            "would give the learner the machine): start the hub with isolation, which runs "
            "each learner as their own account",
            file=sys.stderr,
        )
        return 1
    argv = singleuser_command(argv[1:])  # also makes the working copy (lab.prepare)
    toolchain.become(argv[0], argv)
    return 0  # pragma: no cover


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
