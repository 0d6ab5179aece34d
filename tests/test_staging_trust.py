"""--trust-cert and --hosts-file: SPKI hashes from PEM files, hosts-file syntax, the
``[scan]`` table's trust_cert and hosts_file, and the checks of hashes and host maps."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from scanner.config import build_settings, expand_file_settings
from scanner.errors import ConfigError
from scanner.hosts_file import read_hosts_file
from scanner.testworld.certs import make_certificate, write_certificate
from scanner.trust import certificate_hashes, is_spki_hash


def pem(tmp_path: Path, name: str, *certificates: x509.Certificate) -> Path:
    path = tmp_path / name
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates))
    return path


def test_the_hash_of_a_pem_certificate_is_the_one_chromium_is_given() -> None:
    files = write_certificate(["www.shop.test"])
    assert certificate_hashes(files.cert_path) == [files.spki_sha256]


def test_every_certificate_of_a_bundle_gives_its_hash_once(tmp_path: Path) -> None:
    leaf, _ = make_certificate(["a.test"])
    other, _ = make_certificate(["b.test"])
    bundle = pem(tmp_path, "chain.pem", leaf, other, leaf)
    hashes = certificate_hashes(bundle)
    assert len(hashes) == 2 and hashes[0] != hashes[1]
    assert hashes == certificate_hashes(pem(tmp_path, "a.pem", leaf)) + certificate_hashes(
        pem(tmp_path, "b.pem", other)
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a certificate", "holds no PEM certificate (-----BEGIN CERTIFICATE-----)"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "holds no PEM"),
        (b"x" * (1024 * 1024 + 1), "is over 1 MiB: not a certificate file"),
    ],
)
def test_a_file_that_is_no_certificate_is_one_line(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "cert.pem"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=r"^--trust-cert .*cert\.pem ") as raised:
        certificate_hashes(path)
    assert message in str(raised.value)


def test_a_missing_certificate_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        certificate_hashes(tmp_path / "nope.pem")
    assert (
        str(raised.value) == f"--trust-cert {tmp_path / 'nope.pem'} does not exist; check the path"
    )


def test_spki_hashes_must_be_base64_of_32_bytes() -> None:
    assert is_spki_hash(write_certificate(["x.test"]).spki_sha256)
    for bad in ("garbage", "aGVsbG8=", "", "A" * 44, "%" * 44):
        assert not is_spki_hash(bad), bad
    with pytest.raises(ConfigError) as raised:
        build_settings({"trusted_spki": ["aGVsbG8="]}, origin="options")
    assert str(raised.value) == (
        "options: trusted_spki 'aGVsbG8=' is not a base64 SHA-256 hash (44 characters); "
        "give the server's certificate instead with --trust-cert FILE"
    )


HOSTS = """\
# staging
10.0.0.5   www.shop.test shop.test   # the shop
10.0.0.6\tcdn.shop.test

::1 ip6.shop.test
10.9.9.9 WWW.shop.test
"""


def test_hosts_file_syntax(tmp_path: Path) -> None:
    path = tmp_path / "hosts"
    path.write_text(HOSTS)
    assert read_hosts_file(path) == {
        "www.shop.test": "10.0.0.5",  # the first line naming a host wins, as in /etc/hosts
        "shop.test": "10.0.0.5",
        "cdn.shop.test": "10.0.0.6",
        "ip6.shop.test": "::1",
    }


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("10.0.0.5", "10.0.0.5 names no host; write 'IP name [name...]'"),
        ("shop.test 10.0.0.5", "'shop.test' is not an IP address; write 'IP name [name...]'"),
        (
            "10.0.0.5:8443 shop.test",
            "'10.0.0.5:8443' is not an IP address (the URL's port is kept: map to an address "
            "only); write 'IP name [name...]'",
        ),
        ("10.0.0.5 shop.test,MAP", "'shop.test,MAP' is not a host name"),
        ("999.1.1.1 shop.test", "'999.1.1.1' is not an IP address"),
    ],
)
def test_hosts_file_errors_give_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "hosts"
    path.write_text(f"# fine\n10.0.0.1 ok.test\n{line}\n")
    with pytest.raises(ConfigError) as raised:
        read_hosts_file(path, "--hosts-file")
    assert str(raised.value).startswith(f"--hosts-file {path}:3: {message}")


@pytest.mark.parametrize(
    ("host_map", "message"),
    [
        ({"*": "127.0.0.1:99999"}, "host_map '*' = '127.0.0.1:99999': '127.0.0.1:99999' is not"),
        ({"*": "1.2.3.4, MAP * 6.6.6.6"}, "is not an IP address"),
        ({"a b": "1.2.3.4"}, "host_map 'a b' is not a host name pattern"),
        ({f"h{n}.example.test": "10.0.0.1" for n in range(5000)}, "5000 mappings are too many"),
    ],
)
def test_host_maps_are_checked(host_map: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        build_settings({"host_map": host_map}, origin="cfg")
    assert str(raised.value).startswith("cfg: host_map ")
    assert message in str(raised.value)


def test_the_scan_table_takes_trust_cert_and_hosts_file_relative_to_the_config(
    tmp_path: Path,
) -> None:
    files = write_certificate(["www.shop.test"])
    (tmp_path / "staging.pem").write_bytes(files.cert_path.read_bytes())
    (tmp_path / "hosts").write_text("10.0.0.5 www.shop.test cdn.shop.test\n")
    table = {
        "trust_cert": "staging.pem",
        "trusted_spki": [write_certificate(["other.test"]).spki_sha256],
        "hosts_file": ["hosts"],
        "host_map": {"cdn.shop.test": "10.0.0.7"},
        "max_pages": 3,
    }
    settings = build_settings(expand_file_settings(table, tmp_path, "cfg"), origin="cfg")
    assert settings.trusted_spki == [table["trusted_spki"][0], files.spki_sha256]
    assert settings.host_map == {"www.shop.test": "10.0.0.5", "cdn.shop.test": "10.0.0.7"}
    assert settings.max_pages == 3


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"trust_cert": 5}, "cfg: trust_cert must be a file name or a list of them, got 5"),
        ({"hosts_file": [""]}, "cfg: hosts_file must be a file name or a list of them, got ['']"),
        ({"trust_cert": "missing.pem"}, "trust_cert {base}/missing.pem does not exist"),
        ({"hosts_file": "missing"}, "hosts_file {base}/missing does not exist"),
    ],
)
def test_bad_file_settings_are_one_line(tmp_path: Path, table: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        expand_file_settings(table, tmp_path, "cfg")
    assert str(raised.value).startswith(message.format(base=tmp_path))
