"""Signed test media for the Content Credentials tests: a certificate chain the
test makes with `cryptography` (an ES256 root and a signer with the
emailProtection key usage C2PA accepts), and c2pa-python's Builder writing a
manifest (claim generator, actions, an ingredient) into a small JPEG."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

DIGITAL_CAPTURE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"


@dataclass
class SigningChain:
    root: x509.Certificate
    signer: x509.Certificate
    key: ec.EllipticCurvePrivateKey

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


def make_chain() -> SigningChain:
    now = dt.datetime.now(dt.UTC)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test C2PA Root"))
        .issuer_name(_name("Test C2PA Root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name("Newsroom Camera Signer"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return SigningChain(root, signer, key)


def jpeg(colour=(90, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def signed_jpeg(chain: SigningChain, source: bytes | None = None) -> bytes:
    """``source`` (a new JPEG by default) with a C2PA manifest signed by ``chain``: made
    by a camera, colour-adjusted in an editor, with the original as its parent ingredient."""
    return signed_media(chain, source or jpeg(), "image/jpeg", ingredient=jpeg((20, 20, 20)))


def signed_media(chain: SigningChain, source: bytes, content_type: str, ingredient: bytes | None = None) -> bytes:
    manifest = {
        "claim_generator_info": [{"name": "Claimdesk test camera", "version": "1.0"}],
        "title": "camp",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {"action": "c2pa.created", "digitalSourceType": DIGITAL_CAPTURE},
                        {"action": "c2pa.color_adjustments", "softwareAgent": {"name": "Photo editor 2.1"}},
                    ]
                },
            }
        ],
    }
    pem = serialization.Encoding.PEM
    certificates = chain.signer.public_bytes(pem) + chain.root.public_bytes(pem)
    key = chain.key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, certificates, key, None))
    context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    with c2pa.Builder(manifest, context=context) as builder:
        if ingredient is not None:
            builder.add_ingredient(
                {"title": "original.jpg", "relationship": "parentOf"}, "image/jpeg", io.BytesIO(ingredient)
            )
        signed = io.BytesIO()
        builder.sign(signer, content_type, io.BytesIO(source), signed)
    return signed.getvalue()


def with_bytes_changed(data: bytes) -> bytes:
    """The signed file with one byte of the picture's compressed data changed (just
    before the end-of-image marker), as an edit after signing would."""
    changed = bytearray(data)
    changed[-20] ^= 0xFF
    return bytes(changed)


def with_manifest_damaged(data: bytes) -> bytes:
    """The signed file with its manifest store (the JUMBF box after the APP11 marker) garbled."""
    damaged = bytearray(data)
    start = damaged.find(b"c2pa")
    for offset in range(start + 50, start + 400):
        damaged[offset] ^= 0x55
    return bytes(damaged)
