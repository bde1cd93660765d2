"""A small RFC 3161 timestamp authority on 127.0.0.1, for the trusted-time tests.

The test makes its own CA (a root and a TSA certificate with the critical
id-kp-timeStamping extended key usage, ECDSA P-256) with `cryptography`, and the
server answers each TimeStampReq with a TimeStampResp built with asn1crypto (the
TSTInfo, then CMS SignedData over it with signed attributes, as RFC 3161 and
RFC 5652 describe). ``mode`` makes it misbehave the ways a TSA can: sign a
different imprint, send a signature that does not match, reject the request,
or answer with something else entirely (a proxy's error page); the test can
also give it a certificate from another CA.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.verification.conftest import _Server

POLICY = "1.3.6.1.4.1.99999.1.1"


@dataclass
class Authority:
    root: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    tsa: x509.Certificate
    tsa_key: ec.EllipticCurvePrivateKey

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Claimdesk tests"),
        ]
    )


def make_authority(label: str = "Test") -> Authority:
    """A root CA and a TSA certificate it signed, both valid for a day around now."""
    now = dt.datetime.now(dt.UTC)
    root_key, tsa_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = _name(f"{label} Root CA")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    tsa = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} Timestamp Authority"))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return Authority(root, root_key, tsa, tsa_key)


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def timestamp_response(request_der: bytes, authority: Authority, serial: int, mode: str = "good") -> bytes:
    """A granted TimeStampResp for ``request_der``, signed by ``authority``'s TSA
    certificate (its chain included), misbehaving as ``mode`` says."""
    if mode == "rejection":
        # TimeStampResp ::= SEQUENCE { status PKIStatusInfo, timeStampToken OPTIONAL }: absent when rejected
        # (asn1crypto's class insists on the token, so the one-field SEQUENCE is written here).
        status = tsp.PKIStatusInfo({"status": "rejection", "status_string": ["unsupported policy"]}).dump()
        return b"\x30" + bytes([len(status)]) + status
    if mode == "not_a_timestamp":
        return b"<html><body>502 Bad Gateway</body></html>"
    request = tsp.TimeStampReq.load(request_der)
    imprint = request["message_imprint"]
    hashed = imprint["hashed_message"].native
    if mode == "wrong_imprint":
        hashed = hashlib.sha256(b"some other file").digest()
    info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": POLICY,
            "message_imprint": {"hash_algorithm": imprint["hash_algorithm"], "hashed_message": hashed},
            "serial_number": serial,
            "gen_time": dt.datetime.now(dt.UTC).replace(microsecond=0),
            "nonce": request["nonce"].native,
            "tsa": asn1_x509.GeneralName(
                name="directory_name", value=asn1_x509.Name.load(authority.tsa.subject.public_bytes())
            ),
        }
    )
    info_der = info.dump()
    tsa_cert = _asn1(authority.tsa)
    signed_attrs = cms.CMSAttributes(
        [
            cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
            cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(info_der).digest()]}),
            cms.CMSAttribute(
                {
                    "type": "signing_certificate_v2",
                    "values": [{"certs": [{"cert_hash": hashlib.sha256(tsa_cert.dump()).digest()}]}],
                }
            ),
        ]
    )
    signature = authority.tsa_key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    if mode == "bad_signature":
        signature = authority.tsa_key.sign(b"not what was signed", ec.ECDSA(hashes.SHA256()))
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value={"issuer": tsa_cert.issuer, "serial_number": tsa_cert.serial_number},
            ),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": signature,
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
            "encap_content_info": {"content_type": "tst_info", "content": core.ParsableOctetString(info_der)},
            "certificates": [tsa_cert],
            "signer_infos": [signer],
        }
    )
    return tsp.TimeStampResp(
        {
            "status": {"status": "granted"},
            "time_stamp_token": cms.ContentInfo({"content_type": "signed_data", "content": signed_data}),
        }
    ).dump()


@dataclass
class TimestampServer:
    """What the loopback TSA saw, and how it should answer next."""

    authority: Authority
    url: str = ""
    mode: str = "good"
    requests: list[bytes] = field(default_factory=list)
    serial: int = 1000


class _TsaHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        state: TimestampServer = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        state.requests.append(body)
        state.serial += 1
        if self.headers.get("Content-Type") != "application/timestamp-query":
            self.send_response(415)
            self.end_headers()
            return
        answer = timestamp_response(body, state.authority, state.serial, state.mode)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def start_tsa(authority: Authority) -> tuple[TimestampServer, _Server, threading.Thread]:
    server = _Server(("127.0.0.1", 0), _TsaHandler)
    server.state = TimestampServer(authority, url=f"http://127.0.0.1:{server.server_port}/tsa")
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server.state, server, thread
