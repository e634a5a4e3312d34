"""Samples, scratch copies and snippets: learners never overwrite the bundled code."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab import workspace


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_every_topic_has_a_sample():
    for topic in workspace.TOPICS:
        package = gm.sample(topic)
        assert package.go_files(), topic
        assert package.pattern == f"./{topic}"


def test_unknown_topic_is_a_clear_error():
    with pytest.raises(workspace.WorkspaceError, match="the topics are"):
        gm.sample("nosuchtopic")


def test_a_topics_demo_package_is_a_sample_too():
    averages = gm.sample("bench/averages")
    assert averages.pattern == "./bench/averages" and averages.name == "averages"
    assert "func BenchmarkAppendGrow(" in averages.source("averages_test.go")
    demos = r"the demos of 'bench' are .*bench/averages"
    with pytest.raises(workspace.WorkspaceError, match=demos):
        gm.sample("bench/nosuchdemo")
    with pytest.raises(workspace.WorkspaceError, match="the topics are"):
        gm.sample("nosuchtopic/averages")


def test_a_testdata_folder_is_no_demo():
    # escape/testdata holds the study notes' versions that do not compile, which Go ignores
    assert (workspace.samples_root() / "escape" / "testdata" / "notes_pointer.go").is_file()
    with pytest.raises(workspace.WorkspaceError, match="escape/boxing") as refused:
        gm.sample("escape/testdata")
    assert "testdata" not in str(refused.value).split(" are ", 1)[1]


@pytest.mark.live
def test_edits_and_runs_never_touch_the_samples():
    before = _tree_digest(workspace.samples_root())
    copy = gm.scratch_copy("newmake")
    main = copy.dir / "main.go"
    main.write_text(main.read_text().replace('"set inside tag"', '"edited in scratch"'))
    assert "edited in scratch" in gm.run(copy).stdout
    edited = gm.snippet(main.read_text().replace("edited in scratch", "edited snippet"))
    assert "edited snippet" in gm.run(edited).stdout
    assert "set inside tag" in gm.run("newmake").stdout
    assert _tree_digest(workspace.samples_root()) == before
    assert workspace.samples_root() not in copy.dir.parents


@pytest.mark.live
def test_same_snippet_same_folder_even_when_made_at_once():
    source = 'package main\n\nfunc main() { println("concurrent") }\n'
    with ThreadPoolExecutor(4) as pool:
        packages = list(pool.map(lambda _: gm.snippet(source), range(8)))
    assert len({p.module_dir for p in packages}) == 1
    assert (packages[0].module_dir / "go.mod").read_text().startswith("module snippet")
    assert gm.run(packages[0]).stderr.strip() == "concurrent"


def test_scratch_copies_are_private():
    assert gm.scratch_copy("gc").module_dir != gm.scratch_copy("gc").module_dir


@pytest.mark.live
def test_multi_file_snippet_and_bad_names():
    package = gm.snippet(
        {
            "main.go": "package main\n\nfunc main() { helper() }\n",
            "helper.go": 'package main\n\nfunc helper() { println("hi") }\n',
        }
    )
    assert gm.run(package).stderr.strip() == "hi"
    with pytest.raises(workspace.WorkspaceError):
        gm.snippet({"../escape.go": "package main"})


def test_resolve_paths(tmp_path):
    assert workspace.resolve(gm.sample("bench").dir / "main.go").rel == "bench"
    with pytest.raises(workspace.WorkspaceError, match="not inside a Go module"):
        workspace.resolve(tmp_path)
