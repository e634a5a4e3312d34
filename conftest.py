"""Collection rules for the whole repository (tests/ and notebooks/).

Every notebook cell nbval collects runs in a kernel that calls the real Go toolchain, so it
carries the `live` marker like the tests that run Go: `pytest -m "not live"` then runs only what
works on a machine without Go (`make test-nogo`).

nbval's items and checks (a cell per item, `--nbval-lax`, the `nbval-check-output` comparison,
the sanitize file) are kept, but each notebook's kernel is driven by nbclient, the executor
`gomemlab export` uses: display updates and `clear_output` land as in JupyterLab, so the run
is a faithful executed notebook. With `GOMEMLAB_EXECUTED=DIR` every notebook whose code cells
all ran and passed is saved there (`DIR/NN-name.ipynb`), and the course site is built from those
copies (`gomemlab export --site OUT --executed DIR`) instead of running each notebook again.

After its cells, each notebook has one more item, `AGAIN`: every code cell run once more, in
order, in the same kernel (a learner goes back and runs a section again; a cell that cannot run
twice reused a name a later section rebinds). It runs in quick mode: it checks names, not
numbers, and quick mode keeps it short where the first run was in full mode (`make test-load`);
for the same reason `make test-load`'s busy loops are paused while it runs (`BUSY_LOOPS`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager
from nbval.plugin import IPyNbCell, IPyNbFile, coalesce_streams

from gomemlab.kernels import private_kernel

EXECUTED = "GOMEMLAB_EXECUTED"
"""A folder: each notebook nbval ran whole and green is saved there, outputs included."""
AGAIN = "every cell runs again"
"""The name of each notebook's last item: its code cells run a second time (`RunsAgain`)."""
BUSY_LOOPS = "GOMEMLAB_BUSY_LOOPS"
"""Process ids (comma-separated) of the busy loops `scripts/test_load.py` runs beside the
notebooks: stopped while a notebook's cells run again, continued after."""
NOTEBOOK_TIMES = "GOMEMLAB_NOTEBOOK_TIMES"
"""A file: each notebook's wall seconds (its kernel's start to its shutdown), CPU seconds (its
kernel's, and on Linux every program's the kernel ran and waited for: psutil reads no children's
times elsewhere) and failed items are appended to it, a JSON line each, for
`scripts/test_load.py`'s table."""


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark nbval's notebook cells `live`."""
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.live)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Count each notebook's failed items (its cells, and its cells run again)."""
    report = yield
    if report.failed and isinstance(item.parent, ExecutedNotebook):
        item.parent.failures += 1
    return report


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """nbval's notebook collector, swapped for the one that runs its cells with nbclient."""
    collected = yield
    if file_path.suffix != ".ipynb" or not collected:
        return collected
    return [
        ExecutedNotebook.from_parent(parent, path=file_path) if type(node) is IPyNbFile else node
        for node in collected
    ]


FIRST = (
    "tests/test_capstone.py",
    "tests/test_hub.py",
    "notebooks/",
    "tests/test_first_use.py",
    "tests/test_editor_browser.py",
    "tests/test_browser_tools.py",
)
"""Scopes handed out first, longest first (from CI's --durations), so that no long one starts
last and runs alone at the end; the rest follow in xdist's order (most tests first)."""


def rank(scope: str) -> int:
    """Where `scope` comes in `FIRST` (len(FIRST) when it is not there)."""
    return next((i for i, start in enumerate(FIRST) if scope.startswith(start)), len(FIRST))


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope`, the `FIRST` scopes handed out first."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LongestFirst(LoadScopeScheduling):
        def _assign_work_unit(self, node) -> None:
            order = list(self.workqueue)
            first = min(order, key=lambda scope: (rank(scope), order.index(scope)))
            self.workqueue.move_to_end(first, last=False)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)


class ExecutedCell(IPyNbCell):
    """One code cell, run by the notebook's nbclient; nbval's comparison after."""

    def runtest(self) -> None:
        """Run the cell; fail as nbval fails (an error, a timeout, outputs that differ)."""
        notebook: ExecutedNotebook = self.parent  # type: ignore[assignment]
        index = notebook.position(self.cell)
        if self.options["skip"]:
            notebook.done.add(index)  # nbval-skip: not run here, nor needed to save
            pytest.skip()
        cell = notebook.executed.cells[index]
        client = notebook.client
        try:
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        except CellTimeoutError as stopped:
            notebook.timed_out = True
            self.raise_cell_error("Timeout exceeded executing cell", f"\n{stopped}")
        except DeadKernelError as died:
            self.raise_cell_error("The kernel died", f"\n{died}")
        except CellExecutionError:
            traceback = next(
                (
                    "\n" + "\n".join(o.get("traceback", []))
                    for o in cell.outputs
                    if o.output_type == "error"
                ),
                "",
            )
            self.raise_cell_error("Cell execution caused an exception", traceback)
        finally:
            self.test_outputs = cell.outputs
        notebook.done.add(index)
        unrun = self.cell.execution_count is None
        if unrun and self.cell.outputs:
            self.raise_cell_error("Unrun reference cell has outputs")
        if self.options["check"] and not unrun:
            reference = coalesce_streams(copy.deepcopy(self.cell.outputs))
            if not self.compare_outputs(coalesce_streams(copy.deepcopy(cell.outputs)), reference):
                notebook.done.discard(index)
                self.raise_cell_error("Cell outputs differ", "\n".join(self.comparison_traceback))


class ExecutedNotebook(IPyNbFile):
    """A notebook whose kernel nbclient drives; saved to $GOMEMLAB_EXECUTED when its
    every code cell ran and passed."""

    failures = 0
    """Its items that failed so far (pytest_runtest_makereport counts them)."""

    def collect(self):
        """nbval's items, one per code cell, as `ExecutedCell`s; then `RunsAgain`."""
        for item in super().collect():  # nbval's cells, names and options
            yield ExecutedCell.from_parent(
                self,
                name=item.name,
                cell_num=item.cell_num,
                cell=item.cell,
                options=item.options,
            )
        yield RunsAgain.from_parent(self, name=AGAIN)

    def setup(self) -> None:
        """Start the kernel (before the first cell runs), as nbval would choose it."""
        self.executed = copy.deepcopy(self.nb)
        self.done: set[int] = set()  # code cells that ran and passed (or nbval-skip)
        self.saved = False
        self.started = time.perf_counter()
        self._stack = contextlib.ExitStack()
        saved = self._saved()
        if saved is not None:
            saved.unlink(missing_ok=True)  # a copy from an earlier run is not this run
        # nbval's choice of kernel: this environment's Python (--nbval-current-env), or the
        # one named; stderr as nbval sends it
        name = self.config.option.nbval_kernel_name
        if self.config.option.nbval_current_env or not name:
            name = CURRENT_ENV_KERNEL_NAME
        manager = self._stack.enter_context(
            private_kernel(name, kernel_spec_manager=NbvalKernelspecManager())
        )
        self.client = NotebookClient(
            self.executed,
            km=manager,
            timeout=self.config.option.nbval_cell_timeout,
            startup_timeout=self.config.option.nbval_kernel_startup_timeout,
            resources={"metadata": {"path": str(self.path.parent)}},
        )
        self._stack.enter_context(
            self.client.setup_kernel(cleanup_kc=True, stderr=subprocess.DEVNULL)
        )
        reply = self.client.wait_for_reply(self.client.kc.kernel_info())
        if reply is not None and "language_info" in reply["content"]:
            self.executed.metadata["language_info"] = reply["content"]["language_info"]
        self.setup_sanitize_files()

    def position(self, cell) -> int:
        """The index of `cell` (one of nbval's, from `self.nb`) in the notebook."""
        return next(i for i, c in enumerate(self.nb.cells) if c is cell)

    def _saved(self) -> Path | None:
        folder = os.environ.get(EXECUTED)
        return Path(folder) / self.path.name if folder else None

    def code(self) -> set[int]:
        """The indices of the notebook's code cells."""
        return {i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"}

    def green(self) -> bool:
        """Every code cell ran and passed (or is nbval-skip)."""
        return getattr(self, "done", None) == self.code()

    def teardown(self) -> None:
        """Save the executed notebook when it ran whole and green; stop the kernel."""
        stack = getattr(self, "_stack", None)
        if stack is None:
            return  # setup never began
        cpu = None
        try:
            self.save()
            cpu = self._kernel_cpu()
        finally:
            try:
                stack.close()  # the kernel shut down, its channels closed
            finally:
                self._record(cpu)

    def _kernel_cpu(self) -> float | None:
        """CPU seconds of the running kernel and of every process it waited for (psutil)."""
        try:
            pid = self.client.km.provisioner.pid
        except AttributeError:  # no client, or no kernel was started
            return None
        if pid is None:  # none was launched (and psutil.Process(None) is this process)
            return None
        try:
            used = psutil.Process(pid).cpu_times()
        except psutil.Error:  # it died
            return None
        return used.user + used.system + used.children_user + used.children_system

    def _record(self, cpu: float | None) -> None:
        """Append this notebook's line to $GOMEMLAB_NOTEBOOK_TIMES, when set."""
        times = os.environ.get(NOTEBOOK_TIMES)
        if times:
            wall = time.perf_counter() - self.started
            record = {"notebook": self.path.stem, "wall": wall, "cpu": cpu, "failed": self.failures}
            with open(times, "a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")

    def save(self) -> None:
        """Write the executed copy (once) when asked for and every cell ran and passed."""
        target = self._saved()
        if target is None or getattr(self, "saved", True) or not self.green():
            return  # not asked for, saved, or not every cell ran (-k, a failure, a timeout)
        self.saved = True
        from gomemlab import files
        from gomemlab.export import EXECUTED_MARK

        self.client.set_widgets_metadata()
        quick = os.environ.get("GOMEMLAB_QUICK", "") not in ("", "0")
        self.executed.metadata[EXECUTED_MARK] = {"quick": quick}
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_atomic(
            target,
            nbformat.writes(self.executed),
            what="the executed notebook",
        )


class RunsAgain(pytest.Item):
    """Every code cell of the notebook once more, in order, in the kernel that just ran them
    all, as a learner runs a section again after Run All; each failure is recorded, and the
    item fails naming them. Cells tagged raises-exception or nbval-skip are left out. The
    executed copy is saved before, so it holds the first run's outputs."""

    def runtest(self) -> None:
        """Save the executed copy, then run the cells again; fail naming those that fail."""
        notebook: ExecutedNotebook = self.parent  # type: ignore[assignment]
        if not notebook.green():
            pytest.skip("not every cell ran and passed the first time")
        notebook.save()
        client = notebook.client
        # quick mode from here on (gomemlab reads GOMEMLAB_QUICK at each call)
        quick = "import os; os.environ['GOMEMLAB_QUICK'] = '1'"
        client.wait_for_reply(client.kc.execute(quick, silent=True, store_history=False))
        failures = []
        with _paused(os.environ.get(BUSY_LOOPS, "")):
            for index, cell in enumerate(notebook.nb.cells):
                tags = set(cell.metadata.get("tags", []))
                if cell.cell_type != "code" or {"raises-exception", "nbval-skip"} & tags:
                    continue
                again = nbformat.v4.new_code_cell(
                    cell.source, metadata=copy.deepcopy(cell.metadata)
                )
                try:
                    client.execute_cell(again, index)
                except CellExecutionError as failed:
                    failures.append(f"cell {index}: {failed.ename}: {failed.evalue}")
        assert not failures, "after Run All, these cells no longer run: " + "; ".join(failures)

    def reportinfo(self):
        """Where pytest says the item is: the notebook."""
        return self.path, None, f"{self.path.name}::{AGAIN}"


@contextlib.contextmanager
def _paused(pids: str):
    """The processes `pids` names ("12,34"; none when empty) stopped, then continued."""
    stopped = [int(pid) for pid in pids.split(",") if pid.strip()]
    for pid in stopped:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
