# Shared setup for scripts/run and scripts/test: install missing Debian packages, configure and
# build. Sourced, not executed.

SAVP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SAVP_BUILD=${SAVP_BUILD:-$SAVP_ROOT/build}

# Debian 12 packages SAVP builds and tests with.
SAVP_PACKAGES=(build-essential cmake pkg-config libsystemc-dev libboost-dev
  libboost-program-options-dev catch2 nlohmann-json3-dev python3 python3-matplotlib python3-yaml chromium
  slurm-wlm munge verilator ccache)

# Each line with the seconds since the script started (where CI time goes).
savp_log() { echo "[savp +${SECONDS}s] $*" >&2; }

savp_ensure_packages() {
  local missing=()
  for p in "${SAVP_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  savp_log "installing missing packages: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      savp_log "not root and no sudo: install ${missing[*]} and re-run"; return 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# savp_build [TYPE [cmake -D options...]]: configure (once) and build $SAVP_BUILD.
savp_build() {
  # Paths below the checkout's parent are hashed relative to it: clones side by side share the cache.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$SAVP_ROOT")} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  local type=${1:-Release}
  shift || true
  if [ ! -f "$SAVP_BUILD/CMakeCache.txt" ]; then
    savp_log "configuring $type build in $SAVP_BUILD $*"
    local launcher=()
    # Debian's ccache: the Release, sanitizer and fuzz builds recompile only what changed.
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$SAVP_ROOT" -B "$SAVP_BUILD" -DCMAKE_BUILD_TYPE="$type" "${launcher[@]}" "$@" >/dev/null
  fi
  savp_log "building"
  cmake --build "$SAVP_BUILD" -j "$(nproc)" -- --no-print-directory | grep -Ev '^\[ *[0-9]+%\]|^Consolidate|^Scanning' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || { savp_log "build failed"; return 1; }
}
