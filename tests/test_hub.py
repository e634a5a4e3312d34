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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab import hub
from gomemlab.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]


def _config(env: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    from traitlets.config import Config

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    c = Config()
    exec(compile(hub.CONFIG.read_text(), str(hub.CONFIG), "exec"), {"get_config": lambda: c})
    return c


def test_config_binds_loopback_and_gives_each_learner_a_home(tmp_path, monkeypatch):
    c = _config(
        {
            "GOMEMLAB_HUB_ROOT": str(tmp_path),
            "GOMEMLAB_HUB_USERS": "ada, bob",
            "GOMEMLAB_HUB_PASSWORD": "workshop-pw",
            "GOMEMLAB_HUB_API_TOKEN": "t" * 32,
        },
        monkeypatch,
    )
    assert urllib.parse.urlsplit(c.JupyterHub.bind_url).hostname == "127.0.0.1"
    assert c.JupyterHub.hub_ip == c.Spawner.ip == "127.0.0.1"
    assert c.Authenticator.allowed_users == {"ada", "bob"}
    assert c.SharedPasswordAuthenticator.user_password == "workshop-pw"
    assert c.SimpleLocalProcessSpawner.home_dir_template.format(username="ada") == str(
        tmp_path / "home" / "ada"
    )
    assert c.Spawner.cmd[-2:] == ["gomemlab.hub", "singleuser"]
    assert c.JupyterHub.services[0]["api_token"] == "t" * 32
    assert (tmp_path / "state").is_dir()


def test_new_learner_gets_a_copy_of_the_seed_cache_and_an_old_one_keeps_theirs(
    tmp_path, monkeypatch
):
    seed = tmp_path / "seed-cache"
    (seed / "ab").mkdir(parents=True)
    (seed / "ab" / "entry-d").write_text("compiled")
    c = _config(
        {"GOMEMLAB_HUB_ROOT": str(tmp_path), "GOMEMLAB_HUB_SEED_GOCACHE": str(seed)}, monkeypatch
    )

    class Spawner:
        home_dir = str(tmp_path / "home" / "ada")

    asyncio.run(c.Spawner.pre_spawn_hook(Spawner()))
    copy = tmp_path / "home" / "ada" / ".cache" / "go-build" / "ab" / "entry-d"
    assert copy.read_text() == "compiled" and not copy.samefile(seed / "ab" / "entry-d")
    copy.write_text("the learner's own")
    asyncio.run(c.Spawner.pre_spawn_hook(Spawner()))
    assert copy.read_text() == "the learner's own"
    assert (seed / "ab" / "entry-d").read_text() == "compiled"


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


@pytest.mark.live
def test_one_learner_gets_their_own_lab(tmp_path):
    _require_proxy()
    user = "learner01"
    h = hub.start(
        hub.free_port(),
        users=(user,),
        root=tmp_path / "hub",
        password="shared-workshop-pw",
        timeout=180,
    )
    marker = h.marker
    try:
        assert h.processes(), "the hub's processes carry its marker"
        _, refused = _login(h, user, "wrong-password")
        assert refused == "HTTP 403", refused
        browser, landed = _login(h, user, "shared-workshop-pw")
        assert "/hub/" in landed and "login" not in landed, landed

        server = h.start_server(user)
        assert server == f"/user/{user}/"
        # The browser, already logged in, is sent to the learner's own start-here notebook.
        with browser.open(f"{h.url}user/{user}/", timeout=120) as answer:
            assert answer.geturl().endswith(f"/user/{user}/lab/tree/00-start-here.ipynb")
        with browser.open(
            f"{h.url}user/{user}/api/contents/00-start-here.ipynb", timeout=60
        ) as answer:
            model = json.loads(answer.read())
        # What the server shows is the learner's copy in their own HOME (made from notebooks/).
        copy = h.home(user) / ".local/share/gomemlab/notebooks/00-start-here.ipynb"
        cells = json.loads(copy.read_text())["cells"]
        assert model["type"] == "notebook"
        assert [c["source"] for c in model["content"]["cells"]] == [
            "".join(c["source"]) for c in cells
        ]
        assert "import gomemlab as gm" in "".join(cells[1]["source"])

        async def run() -> tuple[hub.CellRun, hub.CellRun]:
            kernel = await hub.Kernel.open(
                h, server, hub.user_token(h, user), path="00-start-here.ipynb"
            )
            try:
                about = await kernel.run("import gomemlab as gm; print(gm.about())")
                where = await kernel.run(
                    "import os, pathlib\nprint(os.environ['HOME']); print(pathlib.Path.cwd())"
                )
            finally:
                await kernel.close()
            return about, where

        about, where = asyncio.run(run())
        assert about.status == "ok", about.error
        # The same toolchain and mode as here (the venv's Go is shared; GOMEMLAB_QUICK passes).
        assert about.stdout.strip() == str(gm.about()), about.stdout
        home, cwd = where.stdout.split()
        assert home == str(h.home(user))
        assert cwd == str(h.home(user) / ".local/share/gomemlab/notebooks")
    finally:
        h.stop()
    left = [p for p in _marked(marker)]
    assert not left, f"processes left after stop(): {left}"


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
