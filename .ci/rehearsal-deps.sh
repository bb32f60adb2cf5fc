#!/usr/bin/env bash
# Installs what the data-move rehearsal tests need on a fresh Debian machine, and nothing when it is already there:
#   - SoftHSM (Debian package softhsm2): the PKCS#11 token that holds the rehearsal's keys;
#   - openssl: the key-service tests mint a private CA and mutual-TLS certificates with it;
#   - a C++ toolchain and python3, with which `npm ci` compiles pkcs11js's native binding (it ships none), and the
#     binding itself, rebuilt if node_modules has pkcs11js but it does not load.
# Azurite and s3rver come from the npm registry with `npm ci`. Safe before `npm ci` (then it only makes sure the
# binding can be compiled) and after it. Run from the repository root, as root.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
softhsm_module() {
    for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
        [ -e "$m" ] && return 0
    done
    return 1
}
{ command -v softhsm2-util >/dev/null && softhsm_module; } || missing+=(softhsm2)
command -v openssl >/dev/null || missing+=(openssl)

pkcs11js_loads() { node -e "require('pkcs11js')" >/dev/null 2>&1; }
installed_pkcs11js() { [ -d node_modules/pkcs11js ]; }
if ! { installed_pkcs11js && pkcs11js_loads; }; then
    { command -v make >/dev/null && command -v g++ >/dev/null; } || missing+=(build-essential)
    command -v python3 >/dev/null || missing+=(python3)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "rehearsal-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if installed_pkcs11js && ! pkcs11js_loads; then
    echo "rehearsal-deps: building pkcs11js's native binding"
    npm rebuild pkcs11js --foreground-scripts
    pkcs11js_loads || { echo "rehearsal-deps: pkcs11js still does not load" >&2; exit 1; }
fi

softhsm_module || { echo "rehearsal-deps: libsofthsm2.so not found after installing softhsm2" >&2; exit 1; }
binding=$(installed_pkcs11js && echo "pkcs11js loads" || echo "toolchain ready for npm ci to build pkcs11js")
echo "rehearsal-deps: ready (softhsm2-util $(softhsm2-util --version), ${binding}, $(openssl version | cut -d' ' -f1-2))"
