"""Typed errors, each with a readable message and a rich view in Jupyter."""

from __future__ import annotations

import html
import os
import re
import signal
from collections.abc import Sequence
from dataclasses import dataclass

from .paths import shell_text, short


class GomemlabError(Exception):
    """Base class of every error this package raises on purpose."""

    def _repr_html_(self) -> str:
        title = html.escape(type(self).__name__)
        body = html.escape(str(self))
        return f'<div class="gml-error"><b>{title}</b><pre>{body}</pre></div>'


class UsageError(GomemlabError, ValueError):
    """An argument a user passed that cannot work: names the argument and what was expected."""


class WorkspaceError(GomemlabError):
    """A sample, path or snippet that cannot be used as Go code."""


class ParseError(GomemlabError, ValueError):
    """Text that is not in the format a parser expects; names the line."""

    def __init__(self, message: str, *, line_no: int | None = None, line: str | None = None):
        self.line_no = line_no
        self.line = line
        where = f"line {line_no}: " if line_no is not None else ""
        shown = f"\n  {line[:200]!r}" if line is not None else ""
        super().__init__(f"{where}{message}{shown}")


class GoNotFoundError(GomemlabError):
    """No usable Go toolchain could be found."""


class GoVersionError(GomemlabError):
    """A Go toolchain was found, but not of the pinned series."""


@dataclass(frozen=True)
class Diagnostic:
    """One compiler or vet message: where, and what it says."""

    file: str
    line: int
    col: int | None
    message: str

    def __str__(self) -> str:
        col = f":{self.col}" if self.col is not None else ""
        return f"{self.file}:{self.line}{col}: {self.message}"


def _command_text(command: Sequence[str]) -> str:
    return shell_text(command)


def exit_meaning(returncode: int) -> str:
    """`status 2`, or for a process killed by a signal its name and what usually sent it."""
    if returncode >= 0:
        return f"status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        return f"signal {-returncode}"
    why = {
        "SIGKILL": " (killed from outside: often the out-of-memory killer, or a timeout)",
        "SIGSEGV": " (a memory fault)",
        "SIGTERM": " (asked to stop)",
        "SIGINT": " (interrupted)",
    }.get(name, "")
    return f"signal {name}{why}"


class GoCommandError(GomemlabError):
    """A Go command or program ended badly."""

    def __init__(
        self, message: str, *, command: Sequence[str] = (), stdout: str = "", stderr: str = ""
    ):
        self.command = tuple(command)
        self.stdout = stdout
        self.stderr = stderr
        super().__init__(message)


_HEAD = '<th style="text-align:left;padding:2px 10px">{}</th>'


class GoBuildError(GoCommandError):
    """The compiler (or vet) rejected the code; `diagnostics` says where and why."""

    def __init__(
        self,
        diagnostics: Sequence[Diagnostic],
        *,
        command: Sequence[str] = (),
        stdout: str = "",
        stderr: str = "",
    ):
        self.diagnostics = list(diagnostics)
        if self.diagnostics:
            first, n = self.diagnostics[0], len(self.diagnostics)
            more = f" (and {n - 1} more)" if n > 1 else ""
            message = f"the Go compiler rejected the code at {first}{more}"
            if n > 1:
                message += "\n" + "\n".join(f"  {d}" for d in self.diagnostics)
        else:
            message = "Go build failed:\n" + short(stderr.strip() or stdout.strip())
        hint = hint_for(stderr + stdout)
        if hint:
            message += f"\n{hint}"
        super().__init__(message, command=command, stdout=stdout, stderr=stderr)

    def _repr_html_(self) -> str:
        if not self.diagnostics:
            return super()._repr_html_()
        cell = '<td style="text-align:left;padding:2px 10px">{}</td>'
        rows = "".join(
            "<tr>"
            + cell.format(f"<code>{html.escape(d.file)}</code>")
            + cell.format(d.line)
            + cell.format("" if d.col is None else d.col)
            + cell.format(f"<code>{html.escape(d.message)}</code>")
            + "</tr>"
            for d in self.diagnostics
        )
        n = len(self.diagnostics)
        return (
            f'<div class="gml-error"><b>GoBuildError</b>: the Go compiler found {n} '
            f"error{'s' * (n != 1)}<table><thead><tr>"
            + "".join(_HEAD.format(name) for name in ("file", "line", "col", "message"))
            + f"</tr></thead><tbody>{rows}</tbody></table></div>"
        )


_PANIC = re.compile(r"^(panic: .*|fatal error: .*)$", re.MULTILINE)


class GoRunError(GoCommandError):
    """A Go program (or `go test`) exited with a non-zero status."""

    def __init__(
        self,
        returncode: int,
        *,
        command: Sequence[str] = (),
        stdout: str = "",
        stderr: str = "",
        source_dir: str = "",
    ):
        self.returncode = returncode
        # A program panics on stderr; `go test` relays a test binary's panic on stdout.
        told = stderr if _PANIC.search(stderr) else stdout
        match = _PANIC.search(told)
        self.panic = match.group(1) if match else None
        if self.panic:
            where = _first_user_frame(told)
            if where and source_dir and where.startswith(source_dir):
                where = where[len(source_dir) :].lstrip("/")
            message = f"the Go program panicked: {self.panic.removeprefix('panic: ')}"
            if where:
                message += f"\n  at {where}"
        else:
            # The first line says what went wrong (the first line of the complaint), where
            # (the command) and, when we know it, what to do (the hint).
            tail = _error_tail(stderr or stdout)
            reason = _reason(tail)
            hint = hint_for(stderr + stdout)
            message = f"`{_command_text(command)}` exited with {exit_meaning(returncode)}"
            if reason:
                message += f": {short(reason)[:200]}"
            if hint:
                message += f" ({hint.split(': ')[0]})"
            rest = [line for line in tail.splitlines() if line.strip() != reason]
            if rest and reason:
                message += "\n" + short("\n".join(rest))
            if hint:
                message += f"\n{hint}"
        super().__init__(message, command=command, stdout=stdout, stderr=stderr)


_HINTS = (
    (
        "build constraints exclude all Go files",
        "A build constraint left out every Go file (a `//go:build` line that does not hold "
        'here, e.g. `//go:build ignore`, or `import "C"`, as the lab builds with '
        "CGO_ENABLED=0): remove the line, or write the code in pure Go.",
    ),
    (
        "no space left on device",
        "The disk is full: free some space (`go clean -cache` empties Go's build cache).",
    ),
    (
        "function main is undeclared in the main package",
        "A program needs func main: add `func main() {}`, or name the package otherwise "
        "(e.g. `package shapes`) to build it as a library.",
    ),
    (
        "found packages ",
        "All the Go files of one folder must share one package clause: give them the same "
        "`package` line, or put each package in its own folder.",
    ),
    (
        "failed to initialize build cache",
        "Go's build cache cannot be used: set GOCACHE to a writable absolute folder (or unset it).",
    ),
)


def _reason(tail: str) -> str:
    """The first line of a failure's output that says something (not a `# package` header)."""
    return next(
        (line.strip() for line in tail.splitlines() if line.strip() and not line.startswith("# ")),
        "",
    )


def hint_for(output: str) -> str:
    """What to do about a Go failure whose output we recognise ("" otherwise)."""
    return next((advice for needle, advice in _HINTS if needle in output), "")


def _error_tail(text: str, keep: int = 15) -> str:
    """The last lines of an error output, but with Go's flag-usage dump cut away so the real
    complaint (e.g. `invalid value "abc" for flag -test.benchtime`) is not pushed out."""
    lines = text.strip().splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Usage of ") or line.startswith("usage: "):
            head = lines[:i]
            if head:
                lines = head
            break
    return "\n".join(lines[-keep:])


def _first_user_frame(stderr: str) -> str | None:
    """The first `file.go:line` of a goroutine dump that is not in Go's own code (the runtime,
    or the standard library, e.g. `testing` re-panicking a test's panic)."""
    for match in re.finditer(r"^\t(\S+\.go:\d+)", stderr, re.MULTILINE):
        frame = match.group(1)
        if "/src/runtime/" not in frame and not short(frame).startswith("$GOROOT"):
            return frame
    return None


class GoTimeoutError(GoCommandError):
    """A Go command ran past its time limit and was killed, with every child process."""

    def __init__(
        self, timeout: float, *, command: Sequence[str] = (), stdout: str = "", stderr: str = ""
    ):
        self.timeout = timeout
        tool = os.path.basename(os.fspath(command[0])) if command else ""
        if tool in ("go", "go.exe") and len(command) > 1 and command[1] in ("build", "vet"):
            why = (
                "Go was still compiling; a first build takes seconds, more on a cold cache or "
                "a busy machine"
            )
        else:
            why = "an endless loop, or a run too long for this setting"
        message = (
            f"stopped after {timeout:g} s: `{_command_text(command)}` was still running "
            f"({why}), so it and every process it started were killed. Fix the loop, or pass "
            "a larger timeout="
        )
        super().__init__(message, command=command, stdout=stdout, stderr=stderr)


class ServiceError(GomemlabError):
    """A service the lab started did not come up, or stopped while in use; the message names
    it, says what its log showed and what to do."""


class FetchError(GomemlabError):
    """An HTTP fetch from a loopback service failed: nothing answered, it answered with an
    error, or its body was not what was asked for (e.g. not a profile)."""


class MissingModuleError(GoCommandError):
    """A package imports a module that is not on disk, and Go runs offline: names the module
    (`module`) and how to make it available (vendor it, or a `replace` to a local copy)."""

    def __init__(
        self,
        module: str,
        message: str,
        *,
        command: Sequence[str] = (),
        stdout: str = "",
        stderr: str = "",
    ):
        self.module = module
        super().__init__(message, command=command, stdout=stdout, stderr=stderr)
