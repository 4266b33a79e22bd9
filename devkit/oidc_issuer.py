"""A local OpenID Connect issuer over real HTTP: discovery, a JWKS, and real signed tokens.
A stand-in for Clerk, Auth0, Keycloak or Google in the tests and benchmarks. It listens on
127.0.0.1 only, on a free port.

with LocalIssuer() as issuer:
    kid = issuer.add_key("RSA")
    token = issuer.token(kid, sub="user-1", email="a@example.com", email_verified=True)
    issuer.down = True   # discovery and JWKS answer 503 from now on
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "tablefor-test"
_ALGORITHMS = {"RSA": "RS256", "EC": "ES256"}


class LocalIssuer:
    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._keys: dict[str, Any] = {}  # kid -> private key
        self.published: list[str] = []
        self.down = False
        self.jwks_fetches = 0
        self._thread: threading.Thread | None = None

    def add_key(self, kind: str = "RSA", *, publish: bool = True) -> str:
        kid = f"{kind.lower()}-{uuid.uuid4().hex[:8]}"
        if kind == "RSA":
            self._keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            self._keys[kid] = ec.generate_private_key(ec.SECP256R1())
        if publish:
            self.published.append(kid)
        return kid

    def rotate(self) -> str:
        """A new RSA key replaces every published one."""
        kid = self.add_key("RSA", publish=False)
        self.published = [kid]
        return kid

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": "user-1",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(
        self,
        kid: str,
        *,
        algorithm: str | None = None,
        claimed_kid: str | None = None,
        **claims: Any,
    ) -> str:
        """Signed with `kid`'s key; the header names `claimed_kid` instead when given."""
        key = self._keys[kid]
        algorithm = algorithm or _ALGORITHMS["RSA" if isinstance(key, rsa.RSAPrivateKey) else "EC"]
        headers = {"kid": claimed_kid or kid}
        return jwt.encode(self.claims(**claims), key, algorithm=algorithm, headers=headers)

    def unsigned_token(self, **claims: Any) -> str:
        """`alg: none`, with no signature at all."""
        header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{_b64(json.dumps(self.claims(**claims)).encode())}."

    def hmac_with_public_key(self, kid: str, **claims: Any) -> str:
        """The classic confusion: HS256 "signed" with the RSA public key as the secret."""
        public = (
            self._keys[kid]
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
        payload = _b64(json.dumps(self.claims(**claims)).encode())
        signature = hmac.new(public, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        return f"{header}.{payload}.{_b64(signature)}"

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            public = self._keys[kid].public_key()
            exporter = RSAAlgorithm if isinstance(public, rsa.RSAPublicKey) else ECAlgorithm
            jwk: dict[str, Any] = exporter.to_jwk(public, as_dict=True)
            jwk.update({"kid": kid, "use": "sig"})
            keys.append(jwk)
        return {"keys": keys}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "jwks_uri": f"{self.url}/.well-known/jwks.json",
            "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        }

    def start(self) -> LocalIssuer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalIssuer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _handler_for(issuer: LocalIssuer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if issuer.down:
                return self._send(503, {"error": "down"})
            if self.path == "/.well-known/openid-configuration":
                return self._send(200, issuer.discovery())
            if self.path == "/.well-known/jwks.json":
                issuer.jwks_fetches += 1
                return self._send(200, issuer.jwks())
            return self._send(404, {"error": "not found"})

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler
