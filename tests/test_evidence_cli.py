"""The evidence bundle as a user handles it: keygen, a signed and encrypted report run,
verify, tampering, decrypt."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.e2e_helpers import CliRun, run_scanner

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
PASSPHRASE = {"SCANNER_KEY_PASSPHRASE": "a long test passphrase"}
DEMO_RULES = (
    "--vendors", str(ROOT / "scanner/testworld/vendors.json"),
    "--dpa-dir", str(ROOT / "schemas/dpa-examples"),
)  # fmt: skip


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("keys")
    for name, purpose in (("signer", "sign"), ("other", "sign"), ("recipient", "encrypt")):
        run = run_scanner("keygen", "--out", str(folder / name), "--purpose", purpose,
                          env=PASSPHRASE)  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert "SHA256:" in run.stdout
    return folder


@pytest.fixture(scope="module")
def sealed(demo_run: CliRun, keys: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo scan re-reported, signed and with its raw evidence encrypted."""
    folder = tmp_path_factory.mktemp("sealed") / "scan"
    folder.mkdir()
    shutil.copy(demo_run.out_dir / "scan.json", folder / "scan.json")
    run = run_scanner(
        "report", str(folder), *DEMO_RULES,
        "--sign-key", str(keys / "signer.key"),
        "--encrypt-for", str(keys / "recipient.pub"),
        env=PASSPHRASE,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return folder


def _verify(folder: Path, key: Path | None = None) -> CliRun:
    extra = ("--public-key", str(key)) if key else ()
    return run_scanner("verify", str(folder), *extra)


def _copy(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / "copy"))


def test_a_fresh_signed_bundle_verifies(sealed: Path, keys: Path) -> None:
    run = _verify(sealed, keys / "signer.pub")
    assert run.returncode == 0, run.stdout
    assert "OK: every file matches manifest.json, signed by SHA256:" in run.stdout


def test_raw_evidence_is_encrypted_and_reports_are_not(sealed: Path) -> None:
    names = {p.relative_to(sealed).as_posix() for p in sealed.rglob("*") if p.is_file()}
    assert {"scan.json.enc", "findings.json.enc", "report.pdf", "report.html"} <= names
    assert "scan.json" not in names
    hars = [name for name in names if name.startswith("evidence/har/")]
    assert hars and all(name.endswith(".enc") for name in hars)


def test_the_cover_names_the_signing_key(sealed: Path, keys: Path) -> None:
    html = (sealed / "report.html").read_text(encoding="utf-8")
    signer = json.loads((sealed / "manifest.sig").read_text(encoding="utf-8"))["key_fingerprint"]
    manifest = json.loads((sealed / "manifest.json").read_text(encoding="utf-8"))
    assert signer in html
    assert manifest["evidence_fingerprint"] in html


@pytest.mark.parametrize("name", ["report.pdf", "scan.json.enc", "evidence/har/0001.har.enc"])
def test_one_changed_byte_is_named(sealed: Path, keys: Path, tmp_path: Path, name: str) -> None:
    copy = _copy(sealed, tmp_path)
    target = copy / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    run = _verify(copy, keys / "signer.pub")
    assert run.returncode == 1
    assert f"TAMPERED changed: {name}" in run.stdout


def test_deleted_and_added_files_are_named(sealed: Path, keys: Path, tmp_path: Path) -> None:
    copy = _copy(sealed, tmp_path)
    (copy / "results.sarif").unlink()
    (copy / "evidence" / "note.txt").write_text("planted")
    run = _verify(copy, keys / "signer.pub")
    assert run.returncode == 1
    assert "TAMPERED removed: results.sarif" in run.stdout
    assert "TAMPERED added: evidence/note.txt" in run.stdout


def test_another_key_fails(sealed: Path, keys: Path) -> None:
    run = _verify(sealed, keys / "other.pub")
    assert run.returncode == 1
    assert "TAMPERED signature" in run.stdout


def test_unsigned_bundle_has_its_own_exit_code(demo_run: CliRun) -> None:
    run = _verify(demo_run.out_dir)
    assert run.returncode == 3
    assert "UNSIGNED" in run.stdout


def test_decrypts_to_the_original_bytes(sealed: Path, keys: Path, demo_run: CliRun,
                                        tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "plain"
    run = run_scanner("evidence", "decrypt", str(sealed), "--key", str(keys / "recipient.key"),
                      "--out", str(out), env=PASSPHRASE)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (out / "scan.json").read_bytes() == (demo_run.out_dir / "scan.json").read_bytes()
    assert json.loads((out / "evidence/har/0001.har").read_text(encoding="utf-8"))["log"]


def test_wrong_key_or_passphrase_is_one_clear_line(sealed: Path, keys: Path,
                                                   tmp_path: Path) -> None:  # fmt: skip
    nope = {"SCANNER_KEY_PASSPHRASE": "nope"}
    wrong = run_scanner("evidence", "decrypt", str(sealed), "--key", str(keys / "recipient.key"),
                        "--out", str(tmp_path / "a"), env=nope)  # fmt: skip
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        f"error: wrong passphrase for {keys / 'recipient.key'} (or the key file is damaged)"
    ]
    signing = run_scanner("evidence", "decrypt", str(sealed), "--key", str(keys / "signer.key"),
                          "--out", str(tmp_path / "b"), env=PASSPHRASE)  # fmt: skip
    assert signing.returncode == 2
    assert len(signing.stderr.strip().splitlines()) == 1
    assert "scanner keygen --purpose encrypt" in signing.stderr


def test_keygen_refuses_short_passphrases(tmp_path: Path) -> None:
    run = run_scanner(
        "keygen", "--out", str(tmp_path / "k"), env={"SCANNER_KEY_PASSPHRASE": "short"}
    )
    assert run.returncode == 2
    assert "too short" in run.stderr
    assert not (tmp_path / "k.key").exists()


def test_keygen_without_a_passphrase_says_how_to_give_one(tmp_path: Path) -> None:
    run = run_scanner("keygen", "--out", str(tmp_path / "k"), env={"SCANNER_KEY_PASSPHRASE": ""})
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "error: the new signing key needs a passphrase: set SCANNER_KEY_PASSPHRASE or give "
        "--passphrase-file"
    ]
