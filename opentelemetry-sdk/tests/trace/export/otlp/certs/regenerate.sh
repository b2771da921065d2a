#!/usr/bin/env bash
# Test-only TLS material for the OTLP exporter tests: a CA, a server
# certificate for 127.0.0.1/localhost and a client certificate, all signed by
# the CA and valid for 100 years. Keys are committed on purpose: they protect
# nothing. Run from this folder to make new ones.
set -euo pipefail
days=36500
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days "$days" -subj "/CN=OTLP test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out ca.pem
leaf() {  # name, extended key usage, extra extensions
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=$2" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" $3 > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days "$days" \
    -extfile "$1.ext" -out "$1.pem"
  rm "$1.csr" "$1.ext"
}
leaf server serverAuth "subjectAltName=IP:127.0.0.1,DNS:localhost"
leaf client clientAuth ""
rm -f ca.key ca.srl
# The client key again, encrypted: the exporter must refuse it without prompting.
openssl ec -in client.key -aes256 -passout pass:test-only -out client-encrypted.key
