"""Memory of a whole process tree (the scanner and every Chromium process it starts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class TreeMemory:
    rss_bytes: int
    """Sum of resident set sizes: counts memory shared between processes once per process."""
    pss_bytes: int
    """Sum of proportional set sizes: shared memory split between its sharers."""
    processes: int


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: split after the last ')'
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    return children


def _descendants(root: int) -> list[int]:
    children = _children_map()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _rollup_kib(pid: int, field: str) -> int:
    try:
        for line in (_PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_memory(root: int) -> TreeMemory:
    """Memory now used by ``root`` and all its descendants."""
    pids = _descendants(root)
    rss = sum(_rollup_kib(pid, "Rss") for pid in pids)
    pss = sum(_rollup_kib(pid, "Pss") for pid in pids)
    return TreeMemory(rss_bytes=rss * 1024, pss_bytes=pss * 1024, processes=len(pids))
