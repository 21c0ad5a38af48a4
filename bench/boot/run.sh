#!/usr/bin/env bash
# bench/boot: start → guest agent for bare QEMU (bzImage/SeaBIOS, and PVH) and `virtlab create`.
set -euo pipefail
cd "$(dirname "$0")/../.."
./virtlab --help >/dev/null
dotnet run --project bench/Virtlab.Bench -c Release -- boot --runs "${RUNS:-3}" --out bench/boot/last-run.md
