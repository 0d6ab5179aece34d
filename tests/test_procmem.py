"""Memory of a process tree, from /proc (real processes and a fake /proc)."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner import procmem
from scanner.procmem import TreeMemory, tree_memory


def test_the_machine_has_what_memory_measurement_reads() -> None:
    assert Path("/proc/self/smaps_rollup").exists(), "needs Linux /proc smaps_rollup"


@pytest.fixture
def sleeping_child() -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen(["sleep", "30"])
    try:
        yield child
    finally:
        child.kill()
        child.wait()


def test_current_process() -> None:
    memory = tree_memory(os.getpid())
    assert memory.processes >= 1
    assert memory.rss_bytes > 1024 * 1024  # a Python interpreter is well over 1 MiB
    assert memory.rss_bytes % 1024 == 0
    assert 0 < memory.pss_bytes <= memory.rss_bytes


def test_child_process_is_counted(sleeping_child: subprocess.Popen[bytes]) -> None:
    alone = tree_memory(sleeping_child.pid)
    assert alone.processes == 1
    assert alone.rss_bytes > 0
    assert 0 < alone.pss_bytes <= alone.rss_bytes

    tree = tree_memory(os.getpid())
    assert tree.processes >= 2
    assert tree.rss_bytes > alone.rss_bytes


def test_grandchildren_are_counted() -> None:
    # the test process -> sh -> sleep; the shell prints the sleep's pid once it started it
    shell = subprocess.Popen(["sh", "-c", "sleep 30 & echo $!; wait"], stdout=subprocess.PIPE)
    assert shell.stdout is not None
    grandchild = int(shell.stdout.readline())
    try:
        memory = tree_memory(shell.pid)
        assert memory.processes == 2
        assert memory.rss_bytes > 0
        assert memory.pss_bytes <= memory.rss_bytes
        assert tree_memory(grandchild).processes == 1
        assert tree_memory(os.getpid()).processes >= 3
    finally:
        os.kill(grandchild, signal.SIGKILL)
        shell.wait(timeout=5)
        shell.stdout.close()


def test_a_vanished_process_uses_no_memory() -> None:
    child = subprocess.Popen(["true"])
    child.wait()
    memory = tree_memory(child.pid)
    assert (memory.rss_bytes, memory.pss_bytes) == (0, 0)


# -- against a fake /proc -------------------------------------------------------------


def fake_process(proc: Path, pid: int, comm: str, ppid: int, rss: int, pss: int) -> None:
    entry = proc / str(pid)
    entry.mkdir()
    entry.joinpath("stat").write_text(f"{pid} ({comm}) S {ppid} {pid} {pid} 0 -1 4194560 0\n")
    entry.joinpath("smaps_rollup").write_text(
        "00400000-7ffd0000 ---p 00000000 00:00 0 [rollup]\n"
        f"Rss:              {rss} kB\n"
        f"Pss:              {pss} kB\n"
        "Pss_Anon:           12 kB\n"
        "Shared_Clean:      100 kB\n"
    )


@pytest.fixture
def fake_proc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    proc = tmp_path / "proc"
    proc.mkdir()
    fake_process(proc, 1, "init", 0, 5000, 5000)
    fake_process(proc, 100, "scanner", 1, 1000, 800)
    # command names with spaces and parentheses
    fake_process(proc, 101, "chrome (gpu) ) x", 100, 300, 100)
    fake_process(proc, 102, "Web Content", 101, 200, 50)
    fake_process(proc, 200, "unrelated", 1, 7000, 7000)
    (proc / "self").mkdir()  # not a pid
    (proc / "meminfo").write_text("MemTotal: 1 kB\n")
    (proc / "103").mkdir()  # a process that vanished: no stat, no smaps_rollup
    monkeypatch.setattr(procmem, "_PROC", proc)
    return proc


@pytest.mark.usefixtures("fake_proc")
def test_fake_tree_sums_descendants() -> None:
    assert tree_memory(100) == TreeMemory(
        rss_bytes=(1000 + 300 + 200) * 1024, pss_bytes=(800 + 100 + 50) * 1024, processes=3
    )
    assert tree_memory(101) == TreeMemory(rss_bytes=500 * 1024, pss_bytes=150 * 1024, processes=2)
    assert tree_memory(102) == TreeMemory(rss_bytes=200 * 1024, pss_bytes=50 * 1024, processes=1)


def test_fake_tree_with_unreadable_rollup(fake_proc: Path) -> None:
    (fake_proc / "102" / "smaps_rollup").unlink()
    (fake_proc / "101" / "smaps_rollup").write_text("Rss: garbage kB\n")
    assert tree_memory(100) == TreeMemory(rss_bytes=1000 * 1024, pss_bytes=800 * 1024, processes=3)
