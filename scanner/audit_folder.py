"""The output folder of a scan: an audit in it is never destroyed.

A folder holding a finished audit (scan.json or manifest.json) or an interrupted scan
(the page journal without scan.json, what a killed scan leaves) is refused. With
``overwrite`` the new scan is written into a sibling folder and swapped in only once it
has results; until then the old audit is not touched, so a scan that fails (bad input
found late, an unreachable site, a crash, Ctrl-C) leaves it byte for byte as it was.

Any other folder (missing, empty, or holding files that are no audit) is written into
directly, as before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from scanner.errors import OutputFolderError
from scanner.evidence.manifest import MANIFEST_FILE
from scanner.folder_names import JOURNAL_FILE, RUN_FILE, SCAN_FILE, STATE_DIR

__all__ = ["JOURNAL_FILE", "SCAN_FILE"]


class FolderState(Enum):
    FREE = "free"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"


def folder_state(folder: Path) -> FolderState:
    """What ``folder`` holds, as far as a new scan into it is concerned."""
    if (folder / STATE_DIR / RUN_FILE).exists():  # a Ctrl-C leaves scan.json beside it
        return FolderState.INTERRUPTED
    if (folder / SCAN_FILE).exists() or (folder / MANIFEST_FILE).exists():
        return FolderState.FINISHED
    if (folder / JOURNAL_FILE).exists():
        return FolderState.INTERRUPTED
    return FolderState.FREE


@dataclass
class OutputFolder:
    """Where this scan writes (``work``) and where its audit ends up (``final``)."""

    final: Path
    work: Path

    @property
    def replaces(self) -> bool:
        """Whether the scan writes beside an existing audit, to be swapped in at the end."""
        return self.work != self.final

    def commit(self) -> None:
        """Put the new audit in place of the old one (nothing to do without one)."""
        if not self.replaces:
            return
        graveyard = Path(tempfile.mkdtemp(prefix=f"{self.final.name}.old-", dir=self.final.parent))
        os.rename(self.final, graveyard / self.final.name)
        try:
            os.rename(self.work, self.final)
        except OSError:
            os.rename(graveyard / self.final.name, self.final)
            raise
        self.work = self.final
        shutil.rmtree(graveyard, ignore_errors=True)

    def discard(self, only_if_empty: bool = False) -> None:
        """Remove what this scan wrote beside the old audit (nothing to do without one)."""
        if not self.replaces or (only_if_empty and any(self.work.iterdir())):
            return
        shutil.rmtree(self.work, ignore_errors=True)


def claim_output_folder(out: Path, overwrite: bool) -> OutputFolder:
    """The folder a scan may write, checked before the browser starts; one line if not."""
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out} is a file, not a folder; give a folder")
    state = folder_state(out) if out.is_dir() else FolderState.FREE
    if state is FolderState.FINISHED and not overwrite:
        raise OutputFolderError(
            f"--out {out} holds a finished audit; use a new folder, or --overwrite"
        )
    if state is FolderState.INTERRUPTED and not overwrite:
        raise OutputFolderError(
            f"--out {out} holds an interrupted scan; continue it with: scanner scan "
            f"--resume {out} (or use a new folder, or --overwrite)"
        )
    if state is FolderState.FREE:
        _create(out)
        return OutputFolder(final=out, work=out)
    try:
        work = Path(tempfile.mkdtemp(prefix=f"{out.name}.new-", dir=out.parent))
    except OSError as error:
        raise OutputFolderError(
            f"--out {out}: cannot create the new audit's folder beside it: {error.strerror}"
        ) from None
    return OutputFolder(final=out, work=work)


def _create(out: Path) -> None:
    """Create ``out`` if needed and prove it can be written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputFolderError(f"--out {out} cannot be written: {reason}") from None
