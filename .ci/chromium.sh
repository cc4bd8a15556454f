# Sourced by .ci/run: installs Debian's chromium for the headless flame graph test when it is
# missing. Returns non-zero (the test then skips with a message) only if it cannot be installed.
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    (apt-get update -qq >/dev/null 2>&1 || true) &&
      apt-get install -y -qq chromium >/tmp/perfkit-chromium-install.log 2>&1 ||
      echo "chromium: apt-get install failed (see /tmp/perfkit-chromium-install.log)"
  else
    echo "chromium: no apt-get on this machine"
  fi
fi
[ -x /usr/bin/chromium ]
