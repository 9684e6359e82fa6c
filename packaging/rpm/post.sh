# $1: 1 on install, 2 on upgrade. Non-interactive; the service is not enabled automatically.
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null 2>&1 || :
fi
