#!/usr/bin/env bash
# Brings up the whole platform on this machine: installs missing local prerequisites, then runs the Aspire AppHost.
# The dashboard URL is printed on start; stop with Ctrl+C.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-prerequisites.sh"
exec dotnet run --project "$root/AppHost" --launch-profile http "$@"
