#!/usr/bin/env bash
# Makes the sample's TEST certificates and keys (never use them anywhere else): a fake exchange's chain (root,
# issuing CA, leaf for api.exchange.sample) and an interceptor's (its own root and a leaf for the same name).
# Re-running it changes every key, so appsettings.json's pins must be updated with `pinset pin issuing-ca.pem`.
set -euo pipefail
cd "$(dirname "$0")"
days=7300
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
openssl req -x509 $ec -keyout exchange-root.key -out exchange-root.pem -days $days -subj "/CN=Sample Exchange Root CA/O=Pinset sample (test only)" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req $ec -keyout issuing-ca.key -out issuing-ca.csr -subj "/CN=Sample Exchange Issuing CA/O=Pinset sample (test only)"
printf "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" > ca.ext
openssl x509 -req -in issuing-ca.csr -CA exchange-root.pem -CAkey exchange-root.key -CAcreateserial -out issuing-ca.pem -days $days -extfile ca.ext
openssl req $ec -keyout exchange-leaf.key -out exchange-leaf.csr -subj "/CN=api.exchange.sample/O=Pinset sample (test only)"
printf "subjectAltName=DNS:api.exchange.sample\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" > leaf.ext
openssl x509 -req -in exchange-leaf.csr -CA issuing-ca.pem -CAkey issuing-ca.key -CAcreateserial -out exchange-leaf.pem -days $days -extfile leaf.ext
openssl req -x509 $ec -keyout interceptor-root.key -out interceptor-root.pem -days $days -subj "/CN=Sample Interceptor CA/O=Pinset sample (test only)" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req $ec -keyout interceptor-leaf.key -out interceptor-leaf.csr -subj "/CN=api.exchange.sample/O=Pinset sample interceptor (test only)"
openssl x509 -req -in interceptor-leaf.csr -CA interceptor-root.pem -CAkey interceptor-root.key -CAcreateserial -out interceptor-leaf.pem -days $days -extfile leaf.ext
rm -f ./*.csr ./*.srl ./*.ext exchange-root.key interceptor-root.key issuing-ca.key
