# $1: 1 on install, 2 on upgrade. Non-interactive. As %systemd_post: on first install the
# units get the host's systemd preset (disabled unless a preset file enables them).
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
  systemctl --no-reload preset bedrock-reach.service bedrock-reach-check.timer >/dev/null 2>&1 || :
fi
