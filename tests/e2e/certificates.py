"""A throwaway certificate authority and a server certificate it signed, made with openssl.

The server certificate names localhost, 127.0.0.1 and anypoint.mulesoft.local (a name the
Anypoint CLI treats as the platform's, so it sends its token with absolute links there too).
"""
import os
import subprocess


class TestCertificates:
    def __init__(self, directory):
        self.directory = directory
        self.ca = os.path.join(directory, "ca.crt")
        self.certificate = os.path.join(directory, "server.crt")
        self.key = os.path.join(directory, "server.key")
        ca_key = os.path.join(directory, "ca.key")
        csr = os.path.join(directory, "server.csr")
        extensions = os.path.join(directory, "san.cnf")
        with open(extensions, "w") as f:
            f.write("[ext]\nsubjectAltName=DNS:localhost,DNS:anypoint.mulesoft.local,IP:127.0.0.1\n"
                    "extendedKeyUsage=serverAuth\n")
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", self.ca,
                      "-days", "2", "-subj", "/CN=agora test CA",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", csr,
                      "-subj", "/CN=localhost")
        self._openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", ca_key, "-CAcreateserial",
                      "-out", self.certificate, "-days", "2", "-extfile", extensions, "-extensions", "ext")

    @staticmethod
    def _openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)
