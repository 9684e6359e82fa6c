#!/bin/sh
# systemd units: `systemd-analyze verify` must be clean, `systemd-analyze security --offline`
# must rate each service at exposure <= 2.0, and the unit must carry the settings issue #9 asks
# for. Usage: systemd_units.sh SOURCE_DIR BINARY. Exit 77 (skip) when systemd-analyze is missing.
set -eu
src=$1
binary=$2
max_exposure=2.0

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIP: systemd-analyze is not installed"
  exit 77
fi
if ! systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
  echo "SKIP: this systemd-analyze has no 'security --offline' (systemd < 250)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify checks that ExecStart= exists: point the copies at the binary just built.
for unit in bedrock-reach.service bedrock-reach-check.service bedrock-reach-check.timer; do
  sed "s|/usr/bin/bedrock-reach|$binary|g" "$src/systemd/$unit" > "$work/$unit"
done

fail=0
out=$(cd "$work" && systemd-analyze verify --man=no ./bedrock-reach.service \
  ./bedrock-reach-check.service ./bedrock-reach-check.timer 2>&1) || fail=1
if [ -n "$out" ] || [ "$fail" -ne 0 ]; then
  echo "FAIL: systemd-analyze verify reported:"
  echo "$out"
  exit 1
fi
echo "ok: systemd-analyze verify is clean"

for unit in bedrock-reach.service bedrock-reach-check.service; do
  line=$(cd "$work" && systemd-analyze security --offline=true "./$unit" 2>&1 | grep 'Overall exposure level') || {
    echo "FAIL: no exposure level for $unit"
    exit 1
  }
  level=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
  echo "$unit exposure $level (limit $max_exposure)"
  if ! awk -v got="$level" -v max="$max_exposure" 'BEGIN { exit !(got != "" && got <= max) }'; then
    echo "FAIL: $unit exposure $level exceeds $max_exposure"
    (cd "$work" && systemd-analyze security --offline=true "./$unit" | grep '✗')
    exit 1
  fi
done

require() {
  if ! grep -qx "$2" "$src/systemd/$1"; then
    echo "FAIL: $1 lacks '$2'"
    exit 1
  fi
}
for setting in Type=notify WatchdogSec=30s Restart=on-failure DynamicUser=yes ProtectSystem=strict \
  ProtectHome=yes PrivateTmp=yes PrivateDevices=yes NoNewPrivileges=yes CapabilityBoundingSet= \
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK' SystemCallFilter=@system-service \
  MemoryDenyWriteExecute=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
  ProtectKernelLogs=yes ProtectControlGroups=yes LockPersonality=yes RestrictNamespaces=yes \
  RestrictRealtime=yes UMask=0077 'ExecReload=/bin/kill -HUP $MAINPID'; do
  require bedrock-reach.service "$setting"
done
require bedrock-reach-check.service Type=oneshot
require bedrock-reach-check.service 'SuccessExitStatus=1 2'
require bedrock-reach-check.timer WantedBy=timers.target
echo "ok: required settings present"
