"""`gomemlab lab` (what `make lab` ends in) serves JupyterLab on 127.0.0.1 with our settings."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from gomemlab import webui


def test_lab_serves_the_start_here_notebook_on_loopback(tmp_path):
    port = webui.free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "gomemlab.cli", "lab", "--no-browser", "--port", str(port),
               "--", "--IdentityProvider.token=", "--ServerApp.password="]
    log = tmp_path / "lab.log"
    with open(log, "w") as sink:
        server = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not webui._listening(port):
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/api/contents/00-start-here.ipynb", timeout=20) as r:
            assert json.load(r)["type"] == "notebook"
        with urllib.request.urlopen(f"{base}/lab/api/settings/"
                                    "@jupyterlab/apputils-extension:notification",
                                    timeout=20) as r:
            fetch_news = json.load(r)["schema"]["properties"]["fetchNews"]
        assert fetch_news["default"] == "false", fetch_news  # our overrides.json is in force
        assert f"http://127.0.0.1:{port}/lab" in log.read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
