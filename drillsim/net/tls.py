"""TLS for networked drills: a self-signed certificate made on the director's machine.

On first use ``drillsim serve --tls`` generates an ECDSA P-256 key and a
certificate (valid 2 years, names: localhost, 127.0.0.1, ::1, this host's name and
``--host``) with ``cryptography``, and keeps them under the user's data folder
(``platformdirs.user_data_dir("drillsim")/net``, or ``$DRILLSIM_DATA_DIR/net``),
the key readable by the owner only. Seats trust it either with the certificate
file (``--cafile``, full verification including the host name) or by pinning its
SHA-256 fingerprint, which the server prints (``--fingerprint``); the pin is
checked before the join code is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import socket
import ssl
from pathlib import Path

from drillsim.core.errors import InputError, Problem

CERT_NAME, KEY_NAME = "server-cert.pem", "server-key.pem"


def data_dir() -> Path:
    env = os.environ.get("DRILLSIM_DATA_DIR")
    if env:
        return Path(env) / "net"
    import platformdirs

    return Path(platformdirs.user_data_dir("drillsim", appauthor=False)) / "net"


def _names(extra: list[str]) -> tuple[list[str], list[str]]:
    dns, ips = {"localhost", socket.gethostname()}, {"127.0.0.1", "::1"}
    for h in extra:
        if not h or h in ("0.0.0.0", "::"):
            continue
        try:
            ips.add(str(ipaddress.ip_address(h)))
        except ValueError:
            dns.add(h)
    return sorted(dns), sorted(ips)


def ensure_certificate(hosts: list[str] | None = None, folder: Path | None = None) -> tuple[Path, Path, bool]:
    """(certificate, key, created): reuse the stored pair if it names every host, else make one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = folder or data_dir()
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    dns, ips = _names(list(hosts or []))
    if cert_path.exists() and key_path.exists():
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
            have_dns = set(san.get_values_for_type(x509.DNSName))
            have_ip = {str(i) for i in san.get_values_for_type(x509.IPAddress)}
            fresh = cert.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
            if fresh and set(dns) <= have_dns and set(ips) <= have_ip:
                return cert_path, key_path, False
        except (ValueError, x509.ExtensionNotFound):
            pass  # unreadable or incomplete: make a new one
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "DrillSim drill server"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DrillSim")])
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName([x509.DNSName(d) for d in dns] +
                                      [x509.IPAddress(ipaddress.ip_address(i)) for i in ips])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=730)).add_extension(san, critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    tmp_key = key_path.with_suffix(".tmp")
    fd = os.open(tmp_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    os.replace(tmp_key, key_path)
    tmp_cert = cert_path.with_suffix(".tmp")
    tmp_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp_cert, cert_path)
    return cert_path, key_path, True


def fingerprint_der(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def fingerprint(cert_path: Path) -> str:
    """SHA-256 fingerprint of a PEM certificate, as AA:BB:..."""
    return fingerprint_der(ssl.PEM_cert_to_DER_cert(cert_path.read_text()))


def server_context(hosts: list[str] | None = None) -> tuple[ssl.SSLContext, Path, str]:
    """(context, certificate path, fingerprint) for ``serve --tls``."""
    cert, key, _ = ensure_certificate(hosts)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx, cert, fingerprint(cert)


def client_context(cafile: str | Path | None = None, pin: str | None = None) -> ssl.SSLContext:
    """Trust ``cafile`` (host name checked), or nothing but the pinned fingerprint (see :func:`check_pin`)."""
    if cafile is not None:
        if not Path(cafile).is_file():
            raise InputError(Problem(str(cafile), 1, 1, "certificate file not found (--cafile)"))
        try:
            ctx = ssl.create_default_context(cafile=str(cafile))
        except ssl.SSLError as e:
            raise InputError(Problem(str(cafile), 1, 1, f"not a PEM certificate: {e}")) from None
        return ctx
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if pin:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the pin is checked on the peer certificate instead
    else:
        ctx.load_default_certs()
    return ctx


def normalise_pin(pin: str) -> str:
    hexd = pin.replace(":", "").replace(" ", "").upper()
    if len(hexd) != 64 or any(c not in "0123456789ABCDEF" for c in hexd):
        raise InputError(Problem("--fingerprint", 1, 1, "expected a SHA-256 fingerprint: 64 hex digits "
                                                        "(colons allowed), as printed by drillsim serve --tls"))
    return ":".join(hexd[i:i + 2] for i in range(0, 64, 2))


def check_pin(der: bytes | None, pin: str) -> bool:
    return der is not None and hmac.compare_digest(fingerprint_der(der), normalise_pin(pin))
