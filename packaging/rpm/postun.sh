# $1: 0 on erase, 1 on upgrade.
if [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload >/dev/null 2>&1 || :
  if [ "$1" -ge 1 ]; then
    systemctl try-restart bedrock-reach.service >/dev/null 2>&1 || :
  fi
fi
