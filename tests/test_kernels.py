"""The kernels the lab starts itself listen on Unix sockets in a private folder, so no other
process can take their address between its choice and the kernel's bind; they stop with the
block that made them, and nbclient's cell timeout holds for them."""

from __future__ import annotations

import os
import stat
import tempfile
import time

import psutil
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError
from nbformat.v4 import new_code_cell, new_notebook

from gomemlab import kernels
from gomemlab.kernels import private_kernel


def test_a_kernel_answers_on_unix_sockets_in_a_folder_of_its_own_and_stops_after():
    notebook = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    with private_kernel() as kernel:
        folder = os.path.dirname(kernel.connection_file)
        NotebookClient(notebook, km=kernel, timeout=60).execute()
        info = kernel.get_connection_info()
        assert info["transport"] == "ipc"
        assert info["ip"].startswith(folder + os.sep)
        mode = stat.S_IMODE(os.stat(folder).st_mode)
        assert mode & 0o777 == 0o700  # this account's alone (jupyter adds the sticky bit)
        pid = kernel.provisioner.pid
        assert psutil.pid_exists(pid)  # nbclient leaves a kernel it was given running
    assert notebook.cells[0].outputs[0]["text"] == "42\n"
    assert not os.path.exists(folder)
    assert not psutil.pid_exists(pid)


def test_a_cell_that_runs_past_the_timeout_is_stopped():
    notebook = new_notebook(cells=[new_code_cell("import time\ntime.sleep(60)")])
    started = time.monotonic()
    with private_kernel() as kernel, pytest.raises(CellTimeoutError):
        NotebookClient(notebook, km=kernel, timeout=2).execute()
    assert time.monotonic() - started < 30


def test_a_folder_whose_path_leaves_no_room_for_a_socket_name_falls_back_to_tcp(
    tmp_path, monkeypatch
):
    deep = tmp_path / ("d" * (kernels.SOCKET_PATH_MAX - len(str(tmp_path))))
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with private_kernel() as kernel:
        assert kernel.transport == "tcp"
    assert not list(deep.iterdir())  # the folder it could not use is gone
