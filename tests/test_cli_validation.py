"""Every option and config value is checked before the browser starts: one line, exit 2;
anything unexpected is one line naming a log file, exit 4; Ctrl-C is one line, exit 130.
Staging servers: --trust-cert and --hosts-file, from the options and from [scan]."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_helpers import run_scanner, stderr_lines
from tests.tls_site import TlsSite, running_tls_site

URL = "https://www.example.com/"
SHOP = "www.shop.test"
FAST = ("--progress", "never", "--no-sitemap", "--screenshots", "0", "--dwell", "0")


def deep_json(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "nan"], "options: timeout must be a positive number of seconds"),
        (["--timeout", "inf"], "options: timeout must be a positive number of seconds"),
        (["--timeout", "-3"], "options: timeout must be a positive number of seconds"),
        (
            ["--trust-spki", "garbage"],
            "options: trusted_spki 'garbage' is not a base64 SHA-256 hash (44 characters); "
            "give the server's certificate instead with --trust-cert FILE",
        ),
        (
            ["--map-host", "*.test=127.0.0.1:99999"],
            "options: host_map '*.test' = '127.0.0.1:99999': '127.0.0.1:99999' is not an IP "
            "address (the URL's port is kept: map to an address only)",
        ),
        (
            ["--map-host", "*.test=1.2.3.4,MAP * 6.6.6.6"],
            "options: host_map '*.test' = '1.2.3.4,MAP * 6.6.6.6': '1.2.3.4,MAP * 6.6.6.6' is "
            "not an IP address",
        ),
    ],
)
def test_bad_options_are_one_line_before_anything_is_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    run = run_scanner("scan", URL, *args, out_dir=tmp_path / "out")
    assert (run.returncode, stderr_lines(run)) == (2, [f"error: {message}"])
    assert not (tmp_path / "out").exists()


def test_a_port_out_of_range_is_one_line(tmp_path: Path) -> None:
    run = run_scanner("scan", "https://www.example.com:99999/", out_dir=tmp_path / "out")
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [
            "error: start URL 'https://www.example.com:99999/' has an invalid port; "
            "a port is a number from 1 to 65535"
        ],
    )


def test_an_out_that_is_a_file_or_cannot_be_written(tmp_path: Path) -> None:
    a_file = tmp_path / "report.txt"
    a_file.write_text("mine")
    run = run_scanner("scan", URL, out_dir=a_file)
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [f"error: --out {a_file} is a file, not a folder; give a folder"],
    )
    assert a_file.read_text() == "mine"
    below = run_scanner("scan", URL, out_dir=a_file / "audit")
    assert (below.returncode, stderr_lines(below)) == (
        2,
        [f"error: --out {a_file / 'audit'} cannot be written: Not a directory"],
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("[scan]\ntimeout = nan\n", "timeout must be a positive number of seconds"),
        ("[scan]\ntimeout = inf\n", "timeout must be a positive number of seconds"),
        ("[scan]\ntrusted_spki = ['abc']\n", "trusted_spki 'abc' is not a base64 SHA-256 hash"),
        ("[scan]\nhost_map = {'a.test' = 'x'}\n", "host_map 'a.test' = 'x': 'x' is not an IP"),
        ("[scan]\ntrust_cert = 7\n", "trust_cert must be a file name or a list of them, got 7"),
        ("[scan]\nhosts_file = 'nohosts'\n", "hosts_file {base}/nohosts does not exist"),
        ("[rules]\ndpa_dir = 5\n", "[rules]: dpa_dir must be a path (a string)"),
    ],
)
def test_bad_config_values_are_one_line(tmp_path: Path, config: str, message: str) -> None:
    config_file = tmp_path / "scanner.toml"
    config_file.write_text(config)
    run = run_scanner("scan", URL, "--config", str(config_file), out_dir=tmp_path / "out")
    [line] = stderr_lines(run)
    assert run.returncode == 2
    assert message.format(base=tmp_path) in line
    assert not (tmp_path / "out").exists()


def test_a_missing_vendor_file_stops_the_scan_before_the_crawl(tmp_path: Path) -> None:
    config_file = tmp_path / "scanner.toml"
    config_file.write_text("[rules]\nvendor_files = ['vendors.json']\n")
    run = run_scanner("scan", URL, "--config", str(config_file), out_dir=tmp_path / "out")
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [f"error: vendor catalog {tmp_path / 'vendors.json'} does not exist; check the path"],
    )
    assert not (tmp_path / "out").exists()


def test_a_deeply_nested_dpa_file_is_one_named_problem(tmp_path: Path) -> None:
    """Like any unusable DPA file: one line naming it for ``dpa check`` (exit 1), and a
    ``dpa-schema-invalid`` finding in a scan, which goes on; never a traceback."""
    folder = tmp_path / "dpas"
    folder.mkdir()
    (folder / "deep.json").write_text(deep_json(100_000))
    problem = (
        f"{folder / 'deep.json'}: at the top level: nested too deeply to check; a DPA schema "
        "is a few levels deep, not hundreds"
    )
    check = run_scanner("dpa", "check", str(folder))
    assert (check.returncode, stderr_lines(check)) == (1, [f"error: {problem}"])
    scan = run_scanner("scan", URL, *FAST, "--dpa-dir", str(folder), out_dir=tmp_path / "out")
    assert scan.returncode == 3 and "Traceback" not in scan.stderr  # no DNS here: no page
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    assert [(f["rule_id"], f["message"]) for f in findings if f["area"] == "dpa"] == [
        ("dpa-schema-invalid", problem)
    ]


def test_a_missing_dpa_folder_stops_the_scan_before_the_crawl(tmp_path: Path) -> None:
    run = run_scanner("scan", URL, "--dpa-dir", str(tmp_path / "nope"), out_dir=tmp_path / "o")
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [f"error: DPA folder {tmp_path / 'nope'} does not exist; check the path"],
    )
    assert not (tmp_path / "o").exists()


def test_an_unexpected_error_is_one_line_with_the_log(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "scan.json").write_text("{}")  # valid JSON, but no scan
    run = run_scanner("report", str(folder))
    [line] = stderr_lines(run)
    assert run.returncode == 4
    assert line.startswith("scanner: internal error: KeyError: 'site' (details in ")
    log = Path(line.removesuffix(")").rsplit("(details in ", 1)[1])
    try:
        text = log.read_text()
        assert "Traceback (most recent call last)" in text
        assert text.rstrip().endswith("KeyError: 'site'")
    finally:
        log.unlink()


def test_ctrl_c_outside_the_crawl_is_one_line_and_exit_130(tmp_path: Path) -> None:
    fifo = tmp_path / "passphrase"
    os.mkfifo(fifo)  # reading it blocks: the command waits for its passphrase
    command = ["keygen", "--out", str(tmp_path / "k"), "--passphrase-file", str(fifo)]
    process = subprocess.Popen(
        [sys.executable, "-m", "scanner", *command],
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a shell's background job (CI started with &) inherits
        # SIGINT ignored, and Python then never turns it into KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    writer = _open_when_read(fifo, process)  # the command is past its imports, reading
    try:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(writer)
    assert (process.returncode, stderr.strip().splitlines()) == (130, ["scanner: interrupted"])
    assert list(tmp_path.iterdir()) == [fifo]


def _open_when_read(fifo: Path, process: subprocess.Popen[str], timeout: float = 120) -> int:
    """The FIFO's write end, opened once ``process`` has it open for reading (a
    non-blocking open for writing fails until then); nothing is written, so the reader
    stays blocked. No sleep that a busy machine could outlast."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO or process.poll() is not None:
                raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"the command did not open {fifo} in {timeout:g} s") from None
            time.sleep(0.05)


# -- staging servers, with Chromium ----------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Iterator[TlsSite]:
    with running_tls_site(SHOP) as running:
        yield running


@pytest.mark.browser
def test_trust_cert_and_hosts_file_reach_a_staging_server(site: TlsSite, tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(f"# staging\n127.0.0.1 {SHOP}\n")
    run = run_scanner(
        "scan", site.url(SHOP), *FAST, "--max-pages", "1",
        "--trust-cert", str(site.certificate.cert_path), "--hosts-file", str(hosts),
        out_dir=tmp_path / "out",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.scan["summary"]["rendered"] == 1
    settings = run.scan["settings"]
    assert settings["trusted_spki"] == [site.certificate.spki_sha256]
    assert settings["host_map"] == {SHOP: "127.0.0.1"}


@pytest.mark.browser
def test_the_scan_table_takes_trust_cert_and_hosts_file(site: TlsSite, tmp_path: Path) -> None:
    (tmp_path / "staging.pem").write_bytes(site.certificate.cert_path.read_bytes())
    (tmp_path / "hosts").write_text(f"127.0.0.1 {SHOP}\n")
    config = tmp_path / "scanner.toml"
    config.write_text('[scan]\ntrust_cert = "staging.pem"\nhosts_file = "hosts"\n')
    run = run_scanner(
        "scan", site.url(SHOP), *FAST, "--max-pages", "1", "--config", str(config),
        out_dir=tmp_path / "out",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    scan = json.loads((tmp_path / "out" / "scan.json").read_text())
    assert scan["settings"]["trusted_spki"] == [site.certificate.spki_sha256]
    assert scan["pages"][0]["outcome"] == "rendered"


def test_a_previous_folder_without_a_manifest_stops_the_scan_before_the_crawl(
    tmp_path: Path,
) -> None:
    run = run_scanner("scan", URL, "--previous", str(tmp_path), out_dir=tmp_path / "out")
    assert (run.returncode, stderr_lines(run)) == (
        2,
        [
            f"error: {tmp_path} has no manifest.json: not an evidence bundle "
            "(scan with a recent scanner)"
        ],
    )
    assert not (tmp_path / "out").exists()
