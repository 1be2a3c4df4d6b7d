# shellcheck shell=bash
# scripts/lib/tls.sh: the stack's certificates, made with openssl (sourced after common.sh).
#
# tls_make DIR writes, in DIR:
#   ca.crt ca.key          the stack's own CA; every server and client certificate below is
#                          signed by it
#   server.crt server.key  for every PostgreSQL and Redis server of the stack: subject
#                          CN=localhost, subjectAltName DNS:localhost and IP:127.0.0.1, so
#                          sslmode=verify-full and Redis' host name checks pass for both names
#                          and fail for any other
#   client.crt client.key  a client certificate, CN=scry_cert: the PostgreSQL role that logs in
#                          by certificate (pg_hba `cert`), and the client Redis asks for on the
#                          standalone TLS port (tls-auth-clients yes)
#   other-ca.crt           a CA that signed nothing here: what a test trusts to see a wrong CA
#                          refused
# tls_ready DIR succeeds when all of them are there.

TLS_FILES=(ca.crt ca.key server.crt server.key client.crt client.key other-ca.crt)

tls_ready() {
  local f
  for f in "${TLS_FILES[@]}"; do [[ -s $1/$f ]] || return 1; done
}

# tls_sign DIR NAME SUBJECT [EXTFILE]: a 2048-bit key NAME.key and NAME.crt signed by DIR/ca.
tls_sign() {
  local dir=$1 name=$2 subject=$3 ext=${4:-}
  openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -subj "$subject" \
    -out "$dir/$name.csr" 2>/dev/null || return 1
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 3650 -sha256 ${ext:+-extfile "$ext"} -out "$dir/$name.crt" 2>/dev/null || return 1
  rm -f -- "$dir/$name.csr"
}

tls_make() {
  local dir=$1 ext
  mkdir -p -- "$dir"
  openssl req -x509 -new -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Scry stack CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null || die "openssl could not make the stack CA in $dir"
  ext=$dir/server.ext
  printf 'subjectAltName = DNS:localhost, IP:127.0.0.1\nbasicConstraints = CA:FALSE\n' >"$ext"
  tls_sign "$dir" server "/CN=localhost" "$ext" || die "openssl could not sign the server certificate"
  printf 'basicConstraints = CA:FALSE\n' >"$dir/client.ext"
  tls_sign "$dir" client "/CN=scry_cert" "$dir/client.ext" || die "openssl could not sign the client certificate"
  openssl req -x509 -new -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Some other CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null || die "openssl could not make the other CA"
  rm -f -- "$dir"/*.ext "$dir"/*.srl "$dir/other-ca.key"
  # libpq refuses a client key that others can read.
  chmod 600 "$dir"/*.key
  chmod 644 "$dir"/*.crt
}
