# JupyterHub 6 for a workshop on ONE machine: `gomemlab hub` (helpers/gomemlab/hub.py) starts
# `jupyterhub -f hub/jupyterhub_config.py` with the settings below read from its environment.
# See docs/workshop-server.md. Everything listens on 127.0.0.1 only: reach it over an SSH tunnel
# or put a TLS reverse proxy you trust in front of it.
#
#   GOMEMLAB_HUB_ROOT      folder for the hub's state (state/) and the learners' homes (home/NAME)
#   GOMEMLAB_HUB_USERS     the learners' names, comma-separated (learner01,learner02,...)
#   GOMEMLAB_HUB_PASSWORD  the shared workshop password (8 characters or more) learners log in with
#   GOMEMLAB_HUB_ADMIN_PASSWORD  optional: the `instructor` account's password (32+ characters)
#   GOMEMLAB_HUB_API_TOKEN optional: a token for the load script (service `gomemlab-load`)
#   GOMEMLAB_HUB_PROXY     the configurable-http-proxy program (hub/node_modules/.bin/...)
#   GOMEMLAB_HUB_SEED_GOCACHE optional: a warm Go build cache (`gomemlab hub` makes one with
#                          `gomemlab warm` in <root>/seed); each NEW learner starts with a copy
#   GOMEMLAB_QUICK         passed to every learner's kernel when set (short runs, e.g. a demo)
# Ports come from the command line: --JupyterHub.bind_url, --JupyterHub.hub_port and
# --ConfigurableHTTPProxy.api_url (hub.py picks free loopback ports for the last two).
import asyncio
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config in a config file's namespace)

root = Path(os.environ.get("GOMEMLAB_HUB_ROOT", Path.home() / ".local/state/gomemlab-hub"))
state = root / "state"
state.mkdir(parents=True, exist_ok=True)
(root / "home").mkdir(parents=True, exist_ok=True)

# Loopback only: the proxy (learners' browsers), the hub's own API and every user's server.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.hub_ip = "127.0.0.1"
c.Spawner.ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.ConfigurableHTTPProxy.command = [os.environ.get("GOMEMLAB_HUB_PROXY", "configurable-http-proxy")]
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.JupyterHub.cleanup_proxy = True

# Learners: a pre-made list of names and one shared workshop password (SharedPasswordAuthenticator
# is JupyterHub 5.3+'s replacement for DummyAuthenticator.password). Only listed names log in.
c.JupyterHub.authenticator_class = "shared-password"
users = [u.strip() for u in os.environ.get("GOMEMLAB_HUB_USERS", "").split(",") if u.strip()]
c.Authenticator.allowed_users = set(users)
c.SharedPasswordAuthenticator.user_password = os.environ.get("GOMEMLAB_HUB_PASSWORD", "")
if os.environ.get("GOMEMLAB_HUB_ADMIN_PASSWORD"):
    c.Authenticator.admin_users = {"instructor"}
    c.SharedPasswordAuthenticator.admin_password = os.environ["GOMEMLAB_HUB_ADMIN_PASSWORD"]

# Every learner's server is a process of the hub's own user (no system accounts needed) with
# its own HOME: gomemlab keys scratch (~/.cache/gomemlab), Go's build cache (~/.cache/go-build),
# the notebook copy and progress (~/.local/share/gomemlab) by HOME, so nothing is shared but the
# read-only Go toolchain in the venv. Learners are NOT isolated from each other by the OS: this
# is for a room you trust (see docs/workshop-server.md).
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(root / "home" / "{username}")
# gomemlab.hub's single-user entry point makes the learner's working copy of the notebooks and
# starts jupyterhub-singleuser with the lab's options (start-here, settings, web UI proxy).
c.Spawner.cmd = [sys.executable, "-m", "gomemlab.hub", "singleuser"]


async def _seed_go_cache(spawner) -> None:
    """A new learner's Go build cache starts as a COPY of the warm seed: their own, writable
    (a GOCACHE shared writable between users is not safe); the first build skips compiling
    the runtime and standard library. An existing cache is never touched. The copy (~230 MiB)
    runs in a thread, so the hub keeps answering everyone else meanwhile."""
    seed = os.environ.get("GOMEMLAB_HUB_SEED_GOCACHE")
    target = Path(spawner.home_dir) / ".cache" / "go-build"
    if seed and Path(seed).is_dir() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name("go-build.copying")
        shutil.rmtree(partial, ignore_errors=True)
        await asyncio.to_thread(shutil.copytree, seed, partial, symlinks=True)
        partial.rename(target)  # a copy cut short is never taken for a cache


c.Spawner.pre_spawn_hook = _seed_go_cache
c.Spawner.default_url = "/lab/tree/00-start-here.ipynb"
c.Spawner.env_keep = [
    "PATH",
    "LANG",
    "LC_ALL",
    "VIRTUAL_ENV",
    "GOMEMLAB_QUICK",
    "GOMEMLAB_HUB_MARKER",
]
# A loaded machine starts a server in 5-20 s; the defaults (30 s / 60 s) are too tight for a
# room logging in at once.
c.Spawner.http_timeout = 180
c.Spawner.start_timeout = 240
c.JupyterHub.init_spawners_timeout = 30

# The load script's token (scripts/hub_load.py): create, start and reach learners' servers.
token = os.environ.get("GOMEMLAB_HUB_API_TOKEN")
if token:
    c.JupyterHub.services = [{"name": "gomemlab-load", "api_token": token}]
    c.JupyterHub.load_roles = [
        {
            "name": "gomemlab-load",
            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users"],
            "services": ["gomemlab-load"],
        }
    ]
