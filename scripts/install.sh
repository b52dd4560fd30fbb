#!/usr/bin/env bash
# Installs what the product needs, or with --dev what its tests need too; safe to run again.
#   bash scripts/install.sh          the product (scripts/start.sh, production: docs/deploy.md)
#   bash scripts/install.sh --dev    the product and its tests (scripts/test.sh, CI)
#   - Debian packages: Pango (WeasyPrint), CJK fonts; with --dev also Chromium (browser tests)
#     and poppler-utils (PDF checks), LibreOffice Calc headless (workbooks printed to PDF in tests)
#   - a virtual environment in .venv with the exact pins and hashes of requirements/runtime.lock,
#     or with --dev of requirements/dev.lock (the runtime pins and the test tools);
#     pyproject.toml says how the locks are made
set -euo pipefail
cd "$(dirname "$0")/.."

LOCK=requirements/runtime.lock
APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
case "${1:-}" in
  "") ;;
  --dev)
    LOCK=requirements/dev.lock
    APT_PACKAGES+=(chromium poppler-utils libreoffice-calc-nogui)
    ;;
  *) echo "用法：bash scripts/install.sh [--dev]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> 安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "缺少系统软件包，请以 root 身份运行：" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
# Reinstall only when this lock changed since it was last installed. One stamp per lock: the
# dev lock holds the runtime pins too, and a change to either is installed when it is next asked for.
stamp=".venv/.$(basename "$LOCK").sha256"
want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> 安装 Python 依赖（$LOCK）"
  .venv/bin/python -m pip install -q --upgrade pip
  # every package pinned with its hashes: a file that differs from the one locked is refused
  .venv/bin/python -m pip install -q --require-hashes -r "$LOCK"
  echo "$want" > "$stamp"
fi
