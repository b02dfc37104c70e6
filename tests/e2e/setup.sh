#!/usr/bin/env bash
# Installs the real editor the e2e tests drive, offline apart from package registries:
# Debian's chromium, neovim and ripgrep (plus the headers code-server's native modules build
# against), and code-server + playwright-core from npm into $FLETLINT_E2E_TOOLS
# (default ~/.cache/fletlint-e2e), outside the repository so a clone or `git clean` keeps it.
# Idempotent: a second run with the same package.json only checks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# The same default as tests/e2e/test_vscode.py (Python's Path.home(): $HOME, else the passwd entry).
home="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
tools="${FLETLINT_E2E_TOOLS:-$home/.cache/fletlint-e2e}"

need_apt=()
for pkg in chromium neovim ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config g++ make python3; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need_apt+=("$pkg")
done
if ((${#need_apt[@]})); then
  echo "e2e setup: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

mkdir -p "$tools"
if cmp -s "$here/package.json" "$tools/package.json" && cmp -s "$here/package-lock.json" "$tools/package-lock.json" \
  && [ -x "$tools/node_modules/.bin/code-server" ] && [ -f "$tools/.complete" ]; then
  echo "e2e setup: $tools is up to date"
  exit 0
fi
rm -f "$tools/.complete"
cp "$here/package.json" "$here/package-lock.json" "$tools/"

# @vscode/ripgrep downloads rg from GitHub at install time; it first looks for the archive in
# <tmp>/vscode-ripgrep-cache-<package version>/. Seed that with Debian's rg.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
for rg_version in 1.15.11; do
  cache="$scratch/vscode-ripgrep-cache-$rg_version"
  mkdir -p "$cache/rg"
  cp /usr/bin/rg "$cache/rg/rg"
  tar -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$cache/rg" rg
done

# Its own HOME and XDG folders: nothing of the user's npm or editor configuration leaks in.
export HOME="$scratch/home" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" XDG_DATA_HOME="$scratch/data"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_cache="$tools/.npm-cache"
# node-gyp would download Node's headers; the nodejs package ships them under /usr/include/node.
[ -f /usr/include/node/common.gypi ] && export npm_config_nodedir=/usr
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
(cd "$tools" && npm ci --foreground-scripts)
[ -x "$tools/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] \
  || { echo "e2e setup: code-server's ripgrep is missing" >&2; exit 1; }
touch "$tools/.complete"
echo "e2e setup: code-server and playwright-core in $tools"
