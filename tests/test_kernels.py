"""The kernels the lab starts itself listen on Unix sockets in a private folder, so no other
process can take their address between its choice and the kernel's bind."""

from __future__ import annotations

import os
import stat

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from gomemlab.kernels import private_kernel


def test_a_kernel_answers_on_unix_sockets_in_a_folder_of_its_own_removed_after():
    notebook = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    with private_kernel() as kernel:
        folder = os.path.dirname(kernel.connection_file)
        NotebookClient(notebook, km=kernel, timeout=60).execute()
        info = kernel.get_connection_info()
        assert info["transport"] == "ipc"
        assert info["ip"].startswith(folder + os.sep)
        mode = stat.S_IMODE(os.stat(folder).st_mode)
        assert mode & 0o777 == 0o700  # this account's alone (jupyter adds the sticky bit)
        assert len(f"{info['ip']}-{max(kernel.ports)}".encode()) < 108  # sun_path's size
    assert notebook.cells[0].outputs[0]["text"] == "42\n"
    assert not os.path.exists(folder)
