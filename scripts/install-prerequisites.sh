#!/usr/bin/env bash
# Installs what the platform runs on locally when no container runtime is at hand:
# RabbitMQ (Debian package), Azurite (project-local npm install) and moto_server (S3 emulator, pip); and what the tests
# use besides: PostgreSQL (the registry's production database) and kubectl (to render the Kubernetes overlays).
# Safe to run again: it only installs what is missing.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_missing=()
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || ls /usr/lib/rabbitmq/lib/rabbitmq_server-*/sbin/rabbitmq-server >/dev/null 2>&1 || apt_missing+=(rabbitmq-server)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_missing+=(postgresql)
command -v kubectl >/dev/null 2>&1 || apt_missing+=(kubernetes-client)
if ((${#apt_missing[@]})); then
  echo "[prerequisites] installing ${apt_missing[*]} with apt-get"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
  # The package starts a system-wide broker; the platform runs its own, so stop that one.
  sudo_if_needed systemctl disable --now rabbitmq-server >/dev/null 2>&1 || sudo_if_needed service rabbitmq-server stop >/dev/null 2>&1 || true
fi

if [[ ! -x "$root/tools/azurite/node_modules/.bin/azurite-blob" ]]; then
  echo "[prerequisites] installing azurite into tools/azurite with npm"
  (cd "$root/tools/azurite" && npm ci --no-audit --no-fund --loglevel=error)
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "[prerequisites] installing moto_server with pip"
  python3 -m pip install --quiet 'moto[server]==5.2.1'
fi

echo "[prerequisites] rabbitmq-server, azurite, moto_server, postgresql and kubectl are installed"
