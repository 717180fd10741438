#!/usr/bin/env bash
# Publishes one large custom asset synchronously and reports the upload rate and the server's
# peak resident memory (VmHWM), which must stay bounded whatever the upload size: the body is
# streamed to disk while it is hashed. It also prints the MD5, SHA-1 and SHA-256 the answer gave.
#
#   bench/upload_rss.sh [SIZE_MIB]     (default 1024; needs build/agora)
#
# AGORA_BIN picks the binary; PAYLOAD an existing file to upload instead of SIZE_MIB random bytes
# (bench/run uploads the same file to nginx).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
bin=${AGORA_BIN:-build/agora}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --data "$work/data" --listen "127.0.0.1:$port" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
org=$(sed -n 's/^organization id: //p' "$work/server.log")
token=$(sed -n 's/^admin token: //p' "$work/server.log")

payload=${PAYLOAD:-$work/payload.jar}
if [ -n "${PAYLOAD:-}" ]; then
  size_mib=$(( $(stat -c %s "$payload") >> 20 ))
else
  head -c "$((size_mib << 20))" /dev/urandom > "$payload"
fi
start=$(date +%s.%N)
status=$(curl -sS -o "$work/response.json" -w '%{http_code}' \
  -H "Authorization: bearer $token" -H 'x-sync-publication: true' \
  -F 'name=large custom asset' -F 'type=custom' -F "files.custom.jar=@$payload" \
  "http://127.0.0.1:$port/exchange/api/v2/organizations/$org/assets/$org/large/1.0.0")
end=$(date +%s.%N)
[ "$status" = 201 ] || { echo "upload failed: HTTP $status: $(cat "$work/response.json")" >&2; exit 1; }

peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
python3 - "$size_mib" "$start" "$end" "$peak_kib" "$work/response.json" <<'PY'
import json, sys
size, start, end, peak = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
secs = end - start
print(f"upload {size} MiB custom asset (sync): {secs:.2f} s, {size / secs:.1f} MiB/s, server peak RSS {peak / 1024:.1f} MiB")
# The digests the 201 answered with, so that a caller can check them against the file.
custom = next(f for f in json.load(open(sys.argv[5]))["files"] if f["classifier"] == "custom")
print(f"stored md5 {custom['md5']} sha1 {custom['sha1']} sha256 {custom['sha256']}")
PY
