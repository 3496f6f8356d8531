#!/usr/bin/env bash
# The Kubernetes manifests (deploy/k8s), rendered offline: no cluster is needed.
#
#   scripts/k8s.sh install           kubectl from apt when missing (Debian's kubernetes-client); does nothing when present
#   scripts/k8s.sh render OVERLAY    the manifests of deploy/k8s/overlays/OVERLAY (single or split) on stdout, as
#                                    `kubectl kustomize` builds them; `kubectl apply -k deploy/k8s/overlays/OVERLAY` applies them
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "k8s.sh: error: $*" >&2; exit 1; }

usage() {
    echo "usage: $0 install | render single|split" >&2
    exit 2
}

install() {
    command -v kubectl >/dev/null 2>&1 && return 0
    echo "installing kubectl (apt: kubernetes-client)" >&2
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends kubernetes-client
    } >/tmp/promotion-engine-k8s-apt.log 2>&1 || {
        tail -n 20 /tmp/promotion-engine-k8s-apt.log >&2
        die "installing kubernetes-client failed (log: /tmp/promotion-engine-k8s-apt.log)"
    }
}

render() {
    local overlay=deploy/k8s/overlays/${1:-}
    [[ -n ${1:-} && -f $overlay/kustomization.yaml ]] || usage
    install
    # Newer kustomize warns on stderr about the fields kept for kubectl 1.20's (commonLabels, bases, patchesStrategicMerge).
    kubectl kustomize "$overlay" 2> >(grep -v "^# Warning: '.*' is deprecated" >&2)
}

case ${1:-} in
    install) install ;;
    render) render "${2:-}" ;;
    *) usage ;;
esac
