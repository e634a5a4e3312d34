"""The workshop server (hub/, gomemlab.hub): loopback-only settings, a clean lock file, and a
live run: one learner logs in with the shared password, gets their own server on their own
copy of 00-start-here, runs a cell in their own kernel with their own HOME, and every process
is gone after stop()."""

from __future__ import annotations

import asyncio
import http.cookiejar
import importlib.util
import json
import os
import re
import shutil
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from gomemlab import accounts, cgroups, hub
from gomemlab.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "hub"


def _config(settings: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from traitlets.config import Config

    path = tmp_path / "settings.json"
    path.write_text(json.dumps(settings))
    monkeypatch.setenv("GOMEMLAB_HUB_SETTINGS", str(path))
    c = Config()
    exec(compile(hub.CONFIG.read_text(), str(hub.CONFIG), "exec"), {"get_config": lambda: c})
    return c


SETTINGS = {
    "users": ["ada", "bob"],
    "password": "workshop-pw",
    "token": "t" * 32,
    "nonce": "n0nce",
    "proxy": "/opt/chp",
    "memory": 2 * 2**30,
    "tasks": 1024,
    "cpus": 1.5,
    "cgroup": "gomemlab-hub-x",
}


def test_config_isolates_each_learner_and_reads_no_secret_from_the_environment(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("GOMEMLAB_HUB_PASSWORD", "from-the-environment")
    c = _config({**SETTINGS, "root": str(tmp_path)}, tmp_path, monkeypatch)
    assert urllib.parse.urlsplit(c.JupyterHub.bind_url).hostname == "127.0.0.1"
    assert c.JupyterHub.hub_ip == c.Spawner.ip == "127.0.0.1"
    assert c.Authenticator.allowed_users == {"ada", "bob"}
    assert c.SharedPasswordAuthenticator.user_password == "workshop-pw"
    assert c.JupyterHub.spawner_class == "gomemlab.hubspawner.LearnerSpawner"
    assert c.LearnerSpawner.homes == str(tmp_path / "home")
    assert (c.LearnerSpawner.memory, c.LearnerSpawner.tasks) == (2 * 2**30, 1024)
    assert c.LearnerSpawner.cpus == 1.5 and c.LearnerSpawner.cgroup_name == "gomemlab-hub-x"
    assert c.Spawner.cmd[-2:] == ["gomemlab.hub", "singleuser"]
    assert c.JupyterHub.services == [{"name": "gomemlab-load-n0nce", "api_token": "t" * 32}]
    assert not any("GOMEMLAB_HUB_" in k and "MARKER" not in k for k in c.Spawner.env_keep)
    assert (tmp_path / "state").stat().st_mode & 0o777 == 0o700


def test_a_trusted_room_seeds_a_new_learner_and_an_old_one_keeps_their_cache(tmp_path, monkeypatch):
    seed = tmp_path / "seed-cache"
    (seed / "ab").mkdir(parents=True)
    (seed / "ab" / "entry-d").write_text("compiled")
    settings = {**SETTINGS, "root": str(tmp_path), "seed": str(seed), "isolate": False}
    c = _config(settings, tmp_path, monkeypatch)
    assert c.JupyterHub.spawner_class == "jupyterhub.spawner.SimpleLocalProcessSpawner"

    class Spawner:
        home_dir = str(tmp_path / "home" / "ada")

    asyncio.run(c.Spawner.pre_spawn_hook(Spawner()))
    copy = tmp_path / "home" / "ada" / ".cache" / "go-build" / "ab" / "entry-d"
    assert copy.read_text() == "compiled" and not copy.samefile(seed / "ab" / "entry-d")
    copy.write_text("the learner's own")
    asyncio.run(c.Spawner.pre_spawn_hook(Spawner()))
    assert copy.read_text() == "the learner's own"
    assert (seed / "ab" / "entry-d").read_text() == "compiled"


def test_limits_give_go_its_bounds_and_refuse_nonsense():
    assert cgroups.Limits(memory=3 * 2**30).go_env() == {"GOMEMLIMIT": "1536MiB"}
    assert cgroups.Limits(cpus=1.5).go_env()["GOMAXPROCS"] == "2"
    for bad in ({"memory": 2**20}, {"pids": 10}, {"cpus": 0.0}):
        with pytest.raises(cgroups.CgroupError):
            cgroups.Limits(**bad)


def test_a_learner_server_never_runs_as_root(monkeypatch, capsys):
    monkeypatch.setattr(hub.os, "geteuid", lambda: 0)
    monkeypatch.setattr(hub.os, "execv", lambda *a: pytest.fail("it started"))
    assert hub._main(["singleuser"]) == 1
    assert "refusing to run a learner's server as root" in capsys.readouterr().err
    assert not any("allow-root" in arg for arg in hub.singleuser_command([]))


def test_a_busy_port_fails_before_anything_starts(tmp_path):
    _require_proxy()
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(hub.HubError, match=f"port {port} on 127.0.0.1 is in use"):
            hub.start(port, users=("a",), root=tmp_path, isolate=False)
    assert not (tmp_path / "state").exists()


def test_a_missing_proxy_is_a_typed_error(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "proxy_program", lambda: None)
    with pytest.raises(hub.HubError, match="npm ci --prefix hub"):
        hub.start(hub.free_port(), users=("a",), root=tmp_path)


def test_isolation_without_root_is_a_typed_error(tmp_path, monkeypatch):
    _require_proxy()
    monkeypatch.setattr(accounts.os, "geteuid", lambda: 1000)
    with pytest.raises(accounts.AccountError, match="needs the hub to run as root"):
        hub.start(hub.free_port(), users=("a",), root=tmp_path)
    assert not (tmp_path / "state").exists()


def test_command_puts_every_port_on_loopback():
    argv = hub.command(8000, 8081, 8001)
    assert "--JupyterHub.bind_url=http://127.0.0.1:8000" in argv
    assert "--ConfigurableHTTPProxy.api_url=http://127.0.0.1:8001" in argv
    assert argv[argv.index("-f") + 1] == str(hub.CONFIG)


def test_learner_names_and_bad_counts():
    assert hub.learners(3) == ("learner01", "learner02", "learner03")
    for bad in (0, -1, 2.5, True):
        with pytest.raises(UsageError, match="users"):
            hub.learners(bad)


def test_cli_hub_refuses_a_bad_user_count(capsys):
    from gomemlab.cli import main

    assert main(["hub", "--users", "0", "--port", "8000"]) == 1
    assert "users must be a whole number" in capsys.readouterr().err


def test_singleuser_command_carries_the_lab_options(tmp_path, monkeypatch):
    monkeypatch.setenv("GOMEMLAB_DATA", str(tmp_path / "data"))
    argv = hub.singleuser_command(["--debug"])
    assert argv[1:3] == ["-m", "jupyterhub.singleuser"]
    assert f"--ServerApp.root_dir={tmp_path / 'data' / 'notebooks'}" in argv
    assert "--LabApp.default_url=/lab/tree/00-start-here.ipynb" in argv
    assert "--ServerApp.jpserver_extensions=gomemlab.serverext=True" in argv
    assert argv[-1] == "--debug"
    assert (tmp_path / "data" / "notebooks" / "00-start-here.ipynb").exists()


def test_lock_file_records_no_download_location():
    lock = (ROOT / "hub" / "package-lock.json").read_text()
    assert '"resolved"' not in lock
    # Only the packages' funding pages are links: no download location, no registry named.
    assert all("registry" not in url for url in re.findall(r"https?://[^\"]+", lock))
    packages = json.loads(lock)["packages"]
    assert packages["node_modules/configurable-http-proxy"]["version"] == "5.3.0"


def _require_proxy() -> None:
    message = None
    if importlib.util.find_spec("jupyterhub") is None:
        message = "jupyterhub is not installed (pip install -e '.[hub]')"
    elif hub.proxy_program() is None:
        message = "configurable-http-proxy is not installed (npm ci --prefix hub)"
    if message:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _login(h: hub.Hub, user: str, password: str) -> tuple[urllib.request.OpenerDirector, str]:
    """Log in through the hub's login form like a browser; (the browser, the final URL)."""
    browser = _browser()
    page = browser.open(f"{h.url}hub/login", timeout=60).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": xsrf})
    try:
        with browser.open(f"{h.url}hub/login?next=", data=form.encode(), timeout=60) as answer:
            return browser, answer.geturl()
    except urllib.error.HTTPError as error:
        return browser, f"HTTP {error.code}"


def test_the_mount_table_names_each_controller():
    # Recorded with `grep cgroup /proc/self/mounts` on the 2-core test machine (cgroup v1
    # controllers beside a v2 hierarchy that holds none of them).
    version, where = cgroups.mounts(FIXTURES / "mounts-v1-hybrid.txt")
    assert version == 1
    assert where == {c: Path("/sys/fs/cgroup") / c for c in ("memory", "pids", "cpu")}
    with pytest.raises(cgroups.CgroupError, match="no cgroup controller memory, pids, cpu"):
        cgroups.mounts(Path("/dev/null"))


def test_cgroups_that_cannot_be_made_are_a_typed_error(monkeypatch):
    # /proc refuses new folders, as a read-only or foreign cgroup tree does.
    monkeypatch.setattr(
        cgroups,
        "mounts",
        lambda table=None: (1, dict.fromkeys(cgroups.CONTROLLERS, Path("/proc/self"))),
    )
    with pytest.raises(cgroups.CgroupError, match="cannot make the learners' cgroup"):
        cgroups.Room.create("gomemlab-hub-test")


def test_accounts_need_root_and_useradd(monkeypatch):
    monkeypatch.setattr(accounts.os, "geteuid", lambda: 0)
    monkeypatch.setattr(accounts.shutil, "which", lambda name: None)
    with pytest.raises(accounts.AccountError, match="useradd is not installed"):
        accounts.require_root()


def _require_isolation() -> None:
    _require_proxy()
    problem = None
    try:
        accounts.require_root()
        cgroups.mounts()
        hub._reachable_by_learners(Path(tempfile.gettempdir()) / "x")
    except (accounts.AccountError, cgroups.CgroupError, hub.HubError) as error:
        problem = str(error)
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


LEARNERS = ("learner01", "learner02")
BOUND = cgroups.Limits(memory=2 * 2**30, pids=1024, cpus=1.0)


@dataclass
class Room:
    hub: hub.Hub
    servers: dict[str, str]
    tokens: dict[str, str]
    runaway: Path
    loop: asyncio.AbstractEventLoop

    def run(self, user: str, code: str, timeout: float = 300) -> hub.CellRun:
        """Run a cell in the learner's kernel (one per learner: the session of their notebook),
        over a websocket of its own: an idle one may be closed by the server between tests."""

        async def once() -> hub.CellRun:
            kernel = await hub.Kernel.open(
                self.hub, self.servers[user], self.tokens[user], path="00-start-here.ipynb"
            )
            try:
                return await kernel.run(code, timeout=timeout)
            finally:
                kernel.ws.close()

        return self.loop.run_until_complete(once())

    def server_pid(self, user: str) -> int:
        for proc in self.hub.processes():
            env = proc.environ()
            if env.get("JUPYTERHUB_USER") == user and "singleuser" in " ".join(proc.cmdline()):
                return proc.pid
        raise AssertionError(f"no server process for {user}")


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """Two learners on an isolated hub (as root), a kernel each; afterwards nothing is left:
    no process, no cgroup, no account."""
    _require_isolation()
    from gomemlab import toolchain

    work = Path(tempfile.mkdtemp(prefix="gml-room-"))  # /tmp: every account may pass
    runaway = work / "runaway"
    toolchain.go("build", "-o", runaway, ".", cwd=FIXTURES / "runaway").check_build()
    work.chmod(0o755)
    h = hub.start(
        hub.free_port(), users=LEARNERS, root=work / "hub", quick=True, limits=BOUND, timeout=180
    )
    loop = asyncio.new_event_loop()
    try:
        servers = h.start_servers(LEARNERS)
        tokens = {user: hub.user_token(h, user) for user in LEARNERS}
        yield Room(h, servers, tokens, runaway, loop)
    finally:
        loop.close()
        h.stop()
        hub.remove_learners(LEARNERS)
        shutil.rmtree(work, ignore_errors=True)
    assert not _marked(h.marker), "processes left after stop()"
    assert not any(folder.exists() for folder in h.room.folders.values()), "cgroups left"
    assert not any(accounts.lookup(user) for user in LEARNERS), "accounts left"


@pytest.mark.live
def test_each_learner_is_their_own_account_in_their_own_bound(room):
    h = room.hub
    uids = set()
    for user in LEARNERS:
        account = accounts.lookup(user)
        assert account.pw_name == f"gml-{user}" and account.pw_uid != 0
        home = h.home(user)
        assert (home.stat().st_uid, home.stat().st_mode & 0o777) == (account.pw_uid, 0o700)
        pid = room.server_pid(user)
        assert psutil.Process(pid).uids().real == account.pw_uid
        assert pid in h.room.pids(user)
        uids.add(account.pw_uid)
    assert len(uids) == 2
    state = h.root / "state"
    assert (state.stat().st_uid, state.stat().st_mode & 0o777) == (0, 0o700)
    # Nothing secret in the hub's environment, nor in any of its processes' environments.
    for proc in h.processes():
        text = "\n".join(f"{k}={v}" for k, v in proc.environ().items())
        assert h.password not in text and h.token not in text, proc
    # The kernel runs as the learner, with their HOME, and a Go program gets the bound.
    where = room.run(
        "learner01",
        "import os, subprocess, gomemlab.toolchain as t\n"
        "print(os.getuid(), os.environ['HOME'])\n"
        f"print(t.run([{str(room.runaway)!r}, 'probe']).stdout)",
    )
    assert where.status == "ok", where.error
    uid, home, procs, limit, env = where.stdout.split()
    assert (int(uid), home) == (accounts.lookup("learner01").pw_uid, str(h.home("learner01")))
    assert (procs, env) == ("1", BOUND.go_env()["GOMEMLIMIT"])
    assert int(limit) == BOUND.memory // 2
    # The lab's checkout (owned by root) is one git trusts for the learner, as `go build`'s VCS
    # stamping needs (`git status --porcelain` in it); no other repository is trusted.
    git = room.run(
        "learner01",
        "import subprocess\n"
        f"done = subprocess.run(['git', '-C', {str(ROOT)!r}, 'status', '--porcelain'],"
        " capture_output=True)\n"
        "print(done.returncode)",
    )
    assert (git.status, git.stdout.strip()) == ("ok", "0"), git.error


ATTEMPTS = r"""
import json, os, signal, urllib.request, urllib.error
other, hub_root, pids = {other!r}, {root!r}, {pids!r}
def attempt(action):
    try:
        action()
        return "done"
    except urllib.error.HTTPError as error:
        return f"HTTP {{error.code}}"
    except OSError as error:
        return f"{{type(error).__name__}} {{error.errno}}"
def write(path, text="forged"):
    with open(path, "a") as f:
        f.write(text)
def mint():
    request = urllib.request.Request(
        os.environ["JUPYTERHUB_API_URL"] + "/users/learner02/tokens",
        data=b"{{}}", method="POST",
        headers={{"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]}})
    urllib.request.urlopen(request, timeout=30).read()
def read(path):
    with open(path, "rb") as f:
        f.read()
data, state = other + "/.local/share/gomemlab", hub_root + "/state/"
book = data + "/notebooks/00-start-here.ipynb"
print(json.dumps({{
    "list learner02's home": attempt(lambda: os.listdir(other)),
    "read learner02's notebook": attempt(lambda: read(book)),
    "overwrite learner02's notebook": attempt(lambda: write(book)),
    "forge learner02's progress": attempt(lambda: write(data + "/progress.jsonl")),
    "write into learner02's Go cache": attempt(lambda: write(other + "/.cache/go-build/x")),
    "write into learner02's cached binaries": attempt(lambda: write(other + "/.cache/gomemlab/x")),
    "SIGSTOP learner02's server": attempt(lambda: os.kill(pids["learner02"], signal.SIGSTOP)),
    "read learner02's environ": attempt(lambda: read(f"/proc/{{pids['learner02']}}/environ")),
    "read the hub's cookie secret": attempt(lambda: read(state + "jupyterhub_cookie_secret")),
    "read the hub's database": attempt(lambda: read(state + "jupyterhub.sqlite")),
    "read the hub's settings": attempt(lambda: read(state + "settings.json")),
    "read the hub's environ": attempt(lambda: read(f"/proc/{{pids['hub']}}/environ")),
    "read the proxy's environ": attempt(lambda: read(f"/proc/{{pids['proxy']}}/environ")),
    "mint a token for learner02": attempt(mint),
}}))
"""


@pytest.mark.live
def test_every_attempt_on_another_learner_or_the_hub_is_refused(room):
    h = room.hub
    pids = {user: room.server_pid(user) for user in LEARNERS}
    pids["hub"] = h.process.pid
    pids["proxy"] = next(p.pid for p in h.processes() if p.name() == "node")
    code = ATTEMPTS.format(other=str(h.home("learner02")), root=str(h.root), pids=pids)
    done = room.run("learner01", code)
    assert done.status == "ok", done.error
    outcomes = json.loads(done.stdout)
    eacces, eperm = "PermissionError 13", "PermissionError 1"
    assert outcomes == {
        "list learner02's home": eacces,
        "read learner02's notebook": eacces,
        "overwrite learner02's notebook": eacces,
        "forge learner02's progress": eacces,
        "write into learner02's Go cache": eacces,
        "write into learner02's cached binaries": eacces,
        "SIGSTOP learner02's server": eperm,
        "read learner02's environ": eacces,
        "read the hub's cookie secret": eacces,
        "read the hub's database": eacces,
        "read the hub's settings": eacces,
        "read the hub's environ": eacces,
        "read the proxy's environ": eacces,
        "mint a token for learner02": "HTTP 403",
    }, outcomes
    # learner02 was not stopped: their kernel answers.
    assert room.run("learner02", "print(6 * 7)").stdout.strip() == "42"


@pytest.mark.live
def test_the_ui_proxy_refuses_another_learners_port(room):
    h = room.hub
    other = psutil.Process(room.server_pid("learner02"))
    port = next(c.laddr.port for c in other.net_connections("tcp") if c.status == "LISTEN")
    url = f"{h.url}user/learner01/gomemlab-ui/{port}/user/learner02/api"
    request = urllib.request.Request(
        url, headers={"Authorization": f"token {room.tokens['learner01']}"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 403
    assert "not a Go tool your kernels started" in refused.value.read().decode()


@pytest.mark.live
def test_a_runaway_is_killed_inside_its_learners_bound(room):
    h = room.hub
    machine_kills = _vmstat("oom_kill")
    before = h.room.oom_kills("learner02")
    done = room.run(
        "learner02",
        "import gomemlab.toolchain as t\n"
        f"done = t.run([{str(room.runaway)!r}, '40'], timeout=240)\n"
        "print(done.returncode, done.stdout.splitlines()[-1])",
    )
    assert done.status == "ok", done.error
    status, last = done.stdout.split(maxsplit=1)
    assert int(status) == -9, done.stdout  # SIGKILL from the OOM killer, ...
    assert "never stopped" not in last
    assert h.room.oom_kills("learner02") > before  # ... inside learner02's bound,
    # The kernel charges a cgroup in batches of up to 32 pages per CPU (MEMCG_CHARGE_BATCH),
    # so the recorded peak may pass the bound by that much (one 4 KiB page was seen).
    assert h.room.peak_memory("learner02") <= BOUND.memory + 32 * 4096 * os.cpu_count()
    assert _vmstat("oom_kill") - machine_kills == h.room.oom_kills("learner02") - before
    # and everyone's next cell answers, learner02's own included.
    for user in LEARNERS:
        assert room.run(user, "print(6 * 7)", timeout=60).stdout.strip() == "42"


@pytest.mark.live
def test_accounts_that_cannot_be_made_stop_the_start_and_leave_nothing(tmp_path):
    _require_isolation()
    root = Path(tempfile.mkdtemp(prefix="gml-bad-"))
    version, where = cgroups.mounts()
    own = where["memory"] / cgroups._own_paths(version)["memory"].lstrip("/")
    rooms = set(own.glob("gomemlab-hub-*"))
    try:
        with pytest.raises(accounts.AccountError, match="useradd gml-Bad Name failed"):
            hub.start(hub.free_port(), users=("probe01", "Bad Name"), root=root, timeout=60)
        assert accounts.lookup("probe01") is None
        assert not (root / "state").exists()
        assert set(own.glob("gomemlab-hub-*")) == rooms
    finally:
        hub.remove_learners(("probe01",))
        shutil.rmtree(root, ignore_errors=True)


def _vmstat(name: str) -> int:
    for line in Path("/proc/vmstat").read_text().splitlines():
        key, value = line.split()
        if key == name:
            return int(value)
    return 0


def _marked(marker: str) -> list[str]:
    """Processes whose environment carries the marker, found without gomemlab.hub."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "name"]):
        try:
            if proc.environ().get(hub.MARKER_VAR) == marker:
                found.append(f"{proc.info['pid']} {proc.info['name']}")
        except (psutil.Error, OSError):
            continue
    return found


def test_git_trusts_the_labs_own_checkout_only(tmp_path):
    from gomemlab.hubspawner import trust_checkout

    assert trust_checkout() == {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "safe.directory",
        "GIT_CONFIG_VALUE_0": str(ROOT),
    }
    assert trust_checkout(tmp_path / "x.py") == {}
