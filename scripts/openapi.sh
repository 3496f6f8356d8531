#!/usr/bin/env bash
# The OpenAPI document's tooling: docs/openapi/v1.json, and the two linters that check it.
#
#   scripts/openapi.sh install   Node.js (from apt when missing) and the linters at the versions tools/openapi/package-lock.json
#                                pins (npm ci); does nothing when they are already installed, so it runs offline after the first time
#   scripts/openapi.sh lint      Spectral (spectral:oas, .spectral.yaml) and Redocly CLI (recommended, redocly.yaml) on
#                                docs/openapi/v1.json; every problem, then one line per linter "<linter>: N errors, N warnings";
#                                exits 1 when either finds an error (warnings are shown, not fatal)
#   scripts/openapi.sh update    rewrites docs/openapi/v1.json from the document the app serves (the CommittedDocument system
#                                test, with PROMO_OPENAPI_UPDATE=1); commit the result
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=tools/openapi
DOCUMENT=docs/openapi/v1.json
STAMP=$TOOLS/node_modules/.installed-lock

die() { echo "openapi.sh: error: $*" >&2; exit 1; }

usage() {
    echo "usage: $0 install|lint|update" >&2
    exit 2
}

# Redocly CLI 2 runs on Node.js 20.19+ (20.x) or 22.12+.
node_fits() {
    command -v node >/dev/null 2>&1 || return 1
    node -e '
        const [major, minor] = process.versions.node.split(".").map(Number);
        process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22 ? 0 : 1);'
}

install_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "installing nodejs and npm (apt)"
        {
            apt-get update -q &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
        } >/tmp/promotion-engine-openapi-apt.log 2>&1 || {
            tail -n 20 /tmp/promotion-engine-openapi-apt.log >&2
            die "installing nodejs and npm failed (log: /tmp/promotion-engine-openapi-apt.log)"
        }
    fi
    node_fits || die "Node.js $(node --version) is too old for Redocly CLI 2 (needs 20.19+ or 22.12+); install a newer nodejs"
}

install() {
    install_node
    # npm ci only when the installed tree is not the one package-lock.json pins (the stamp holds the lock's hash).
    local lock
    lock=$(sha256sum "$TOOLS/package-lock.json" | cut -d ' ' -f 1)
    if [[ -f $STAMP && $(cat "$STAMP") == "$lock" ]]; then return 0; fi
    echo "installing the OpenAPI linters (npm ci in $TOOLS)"
    # --ignore-scripts: neither linter needs an install script, and one dependency's only script reports the install home.
    (cd "$TOOLS" && SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) ||
        die "npm ci in $TOOLS failed"
    echo "$lock" >"$STAMP"
}

lint() {
    install
    [[ -f $DOCUMENT ]] || die "$DOCUMENT is missing: write it with \`scripts/openapi.sh update\`"
    local out spectral_json redocly_json status=0
    out=$(mktemp -d)
    trap 'rm -rf "$out"' RETURN
    spectral_json=$out/spectral.json
    redocly_json=$out/redocly.json
    # Spectral exits 1 when it finds an error; the summary below reads its JSON either way.
    "$TOOLS/node_modules/.bin/spectral" lint "$DOCUMENT" --ruleset .spectral.yaml --format json --output "$spectral_json" \
        --fail-severity error --quiet || true
    [[ -s $spectral_json ]] || die "Spectral wrote no result"
    REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
        "$TOOLS/node_modules/.bin/redocly" lint "$DOCUMENT" --config redocly.yaml --format json --max-problems 10000 \
        >"$redocly_json" 2>"$out/redocly.err" || true
    [[ -s $redocly_json ]] || { cat "$out/redocly.err" >&2; die "Redocly wrote no result"; }
    node "$TOOLS/summary.mjs" "$spectral_json" "$redocly_json" || status=$?
    return "$status"
}

update() {
    PROMO_OPENAPI_UPDATE=1 dotnet test tests/System.Tests \
        --filter "FullyQualifiedName=PromotionEngine.System.Tests.OpenApi.CommittedDocument.The_served_document_is_the_committed_one"
    git --no-pager diff --stat -- "$DOCUMENT" 2>/dev/null || true
}

case "${1:-}" in
    install) install ;;
    lint) lint ;;
    update) update ;;
    *) usage ;;
esac
