# $1: 0 on erase, 1 on upgrade. As %systemd_preun.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl --no-reload disable --now bedrock-reach.service bedrock-reach-check.timer \
    >/dev/null 2>&1 || :
fi
