# JupyterHub 6 for a workshop on ONE machine: `gomemlab hub` (helpers/gomemlab/hub.py) starts
# `jupyterhub -f hub/jupyterhub_config.py` with the settings below. See docs/workshop-server.md.
# Everything listens on 127.0.0.1 only: reach it over an SSH tunnel or put a TLS reverse proxy
# you trust in front of it.
#
# The settings come from a JSON file only root (the hub's user) can read, named by
# GOMEMLAB_HUB_SETTINGS: secrets (the shared password, the load script's token) are never put in
# an environment, where a process of the same account could read them from /proc/PID/environ.
#   root       folder of the hub's state (state/, mode 0700) and the learners' homes (home/NAME)
#   users      the learners' names (learner01, ...): only they log in
#   password   the shared workshop password (8 characters or more)
#   admin_password  optional: the `instructor` account's password (32+ characters)
#   token      a token for `gomemlab.hub` and the load script (service gomemlab-load-NONCE)
#   nonce      a random word naming that service: how `gomemlab.hub` knows its own hub
#   proxy      the configurable-http-proxy program (hub/node_modules/.bin/...)
#   seed       optional: a warm Go build cache each NEW learner starts with a copy of
#   isolate    true: one account and one cgroup per learner (root only, Linux); false: every
#              server is a process of the hub's own account (a room you trust)
#   memory, tasks, cpus, cgroup   each learner's bound (bytes, tasks, cores or 0) and the room's
#              cgroup folder name (isolate only)
# GOMEMLAB_QUICK (environment) is passed to every learner's kernel when set.
# Ports come from the command line: --JupyterHub.bind_url, --JupyterHub.hub_port and
# --ConfigurableHTTPProxy.api_url (hub.py picks free loopback ports for the last two).
import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines get_config in a config file's namespace)

settings = json.loads(Path(os.environ["GOMEMLAB_HUB_SETTINGS"]).read_text())
root = Path(settings["root"])
state = root / "state"  # cookie secret, database, pid files, log: the hub's account alone
state.mkdir(mode=0o700, parents=True, exist_ok=True)
state.chmod(0o700)
(root / "home").mkdir(parents=True, exist_ok=True)

# Loopback only: the proxy (learners' browsers), the hub's own API and every user's server.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.hub_ip = "127.0.0.1"
c.Spawner.ip = "127.0.0.1"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
# The proxy's own API token reaches it in CONFIGPROXY_AUTH_TOKEN: its process is the hub's
# account (root when isolated), whose /proc/PID/environ no learner account may read.
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.JupyterHub.cleanup_proxy = True

# Learners: a pre-made list of names and one shared workshop password (SharedPasswordAuthenticator
# is JupyterHub 5.3+'s replacement for DummyAuthenticator.password). Only listed names log in.
c.JupyterHub.authenticator_class = "shared-password"
c.Authenticator.allowed_users = set(settings["users"])
c.SharedPasswordAuthenticator.user_password = settings["password"]
if settings.get("admin_password"):
    c.Authenticator.admin_users = {"instructor"}
    c.SharedPasswordAuthenticator.admin_password = settings["admin_password"]

# gomemlab.hub's single-user entry point makes the learner's working copy of the notebooks and
# starts jupyterhub-singleuser with the lab's options (start-here, settings, web UI proxy). It
# refuses to run as root. gomemlab keys scratch (~/.cache/gomemlab), Go's build cache
# (~/.cache/go-build), the notebook copy and progress (~/.local/share/gomemlab) by HOME.
c.Spawner.cmd = [sys.executable, "-m", "gomemlab.hub", "singleuser"]
homes = root / "home"
if settings.get("isolate", True):
    # A room of strangers: each learner is their own account (gml-NAME, home 0700) in their own
    # cgroup (memory, tasks, CPU), made by the spawner on their first start.
    c.JupyterHub.spawner_class = "gomemlab.hubspawner.LearnerSpawner"
    c.LearnerSpawner.homes = str(homes)
    c.LearnerSpawner.seed_gocache = settings.get("seed") or ""
    c.LearnerSpawner.memory = int(settings["memory"])
    c.LearnerSpawner.tasks = int(settings["tasks"])
    c.LearnerSpawner.cpus = float(settings.get("cpus") or 0)
    c.LearnerSpawner.cgroup_name = settings["cgroup"]
else:
    # A room you trust: every server is a process of the hub's own account with its own HOME,
    # NOT isolated from the others by the OS (see docs/workshop-server.md).
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = str(homes / "{username}")

    async def _seed_go_cache(spawner) -> None:
        """A new learner's Go build cache starts as a COPY of the warm seed (a cache shared
        writable is not safe); an existing cache is never touched. ~230 MiB, in a thread."""
        seed = settings.get("seed")
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

# The token of gomemlab.hub and the load script (scripts/hub_load.py): create, start and reach
# learners' servers. It lives in the settings file and the hub's database, never an environment.
# Its service name carries a nonce only this hub knows: `gomemlab.hub` asks /hub/api/user
# for it to be sure the hub answering on the port is the one it started.
if settings.get("token"):
    service = f"gomemlab-load-{settings.get('nonce', '')}".rstrip("-")
    c.JupyterHub.services = [{"name": service, "api_token": settings["token"]}]
    c.JupyterHub.load_roles = [
        {
            "name": "gomemlab-load",
            "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users"],
            "services": [service],
        }
    ]
