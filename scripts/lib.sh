# shellcheck shell=bash
# Shared by scripts/serve and scripts/test (source it; do not run it).
#
# Installs the build and test tools that are missing. Every step first checks what is present
# and skips it, so a second run costs a few seconds. Versions are pinned: Trunk must never try to
# download a tool (there is no network for that), so a tool of the wrong version is replaced here.

FLOWMAP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.22.1"
WASM_OPT_VERSION="132"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"

# wasm-opt (npm binaryen) first, so Trunk finds it and never Debian's binaryen.
export PATH="$FLOWMAP_ROOT/node_modules/.bin:$CARGO_BIN:$PATH"
export CHROMIUM

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf '\nerror: %s\n' "$*" >&2
  exit 1
}

# timed NAME COMMAND...: runs COMMAND and reports how long it took.
timed() {
  local name="$1" start="$SECONDS"
  shift
  say "$name"
  "$@"
  note "$name: $((SECONDS - start)) s"
}

# The version of crate NAME in Cargo.lock (the first, if several).
lock_version() {
  [[ -f "$FLOWMAP_ROOT/Cargo.lock" ]] || die "Cargo.lock is missing (it is committed; restore it)"
  awk -v name="$1" '
    $0 == "name = \"" name "\"" { getline; gsub(/^version = "|"$/, ""); print; exit }
  ' "$FLOWMAP_ROOT/Cargo.lock"
}

as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

ensure_rust() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
  command -v rustup >/dev/null || die "rustup not found: it is needed to add the wasm32 target"
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "wasm32-unknown-unknown target: present"
  else
    timed "rustup target add wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_components() {
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if ((${#missing[@]})); then
    timed "rustup component add ${missing[*]}" rustup component add "${missing[@]}"
  else
    note "rustfmt, clippy: present"
  fi
}

ensure_trunk() {
  if [[ "$(trunk --version 2>/dev/null)" == "trunk $TRUNK_VERSION" ]]; then
    note "trunk $TRUNK_VERSION: present"
    return
  fi
  # Every 0.22.x declares rust-version 1.96.1 but builds and works on 1.95, hence
  # --ignore-rust-version. Thin LTO off and more codegen units: the same tool, a faster install.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    timed "cargo install trunk $TRUNK_VERSION (about 10 minutes)" \
    cargo install trunk --version "=$TRUNK_VERSION" --locked --ignore-rust-version
}

ensure_wasm_bindgen() {
  local want pinned
  want="$(lock_version wasm-bindgen)"
  [[ -n "$want" ]] || die "no wasm-bindgen in Cargo.lock"
  pinned="$(sed -n 's/^wasm_bindgen *= *"\(.*\)"/\1/p' "$FLOWMAP_ROOT/Trunk.toml")"
  [[ "$pinned" == "$want" ]] ||
    die "Trunk.toml pins wasm_bindgen = \"$pinned\" but Cargo.lock has wasm-bindgen $want: update [tools] in Trunk.toml"
  if [[ "$(wasm-bindgen --version 2>/dev/null)" == "wasm-bindgen $want" ]]; then
    note "wasm-bindgen-cli $want: present"
    return
  fi
  # The CLI must match the library exactly. Its own lockfile sometimes pins a crate version the
  # registry no longer serves; then the install without --locked works.
  say "cargo install wasm-bindgen-cli $want (about 3 minutes)"
  local start="$SECONDS"
  cargo install wasm-bindgen-cli --version "=$want" --locked ||
    cargo install wasm-bindgen-cli --version "=$want"
  note "wasm-bindgen-cli: $((SECONDS - start)) s"
}

ensure_node_modules() {
  command -v node >/dev/null || die "node not found (Node.js 20 or newer is needed)"
  local wasm_opt="$FLOWMAP_ROOT/node_modules/.bin/wasm-opt"
  if [[ -f "$FLOWMAP_ROOT/node_modules/.package-lock.json" &&
    ! "$FLOWMAP_ROOT/package-lock.json" -nt "$FLOWMAP_ROOT/node_modules/.package-lock.json" &&
    -d "$FLOWMAP_ROOT/node_modules/playwright-core" ]] &&
    "$wasm_opt" --version 2>/dev/null | grep -q "version $WASM_OPT_VERSION\b"; then
    note "node_modules (binaryen $WASM_OPT_VERSION, playwright-core): present"
  else
    (cd "$FLOWMAP_ROOT" && timed "npm ci" npm ci --no-audit --no-fund)
  fi
  "$wasm_opt" --version | grep -q "version $WASM_OPT_VERSION\b" ||
    die "node_modules/.bin/wasm-opt is not version $WASM_OPT_VERSION"
}

ensure_chromium() {
  if [[ -x "$CHROMIUM" ]]; then
    note "chromium: present ($CHROMIUM)"
    return
  fi
  [[ "$CHROMIUM" == /usr/bin/chromium ]] || die "CHROMIUM=$CHROMIUM does not exist"
  say "apt-get install chromium chromium-driver (about 1 minute)"
  local start="$SECONDS"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
  note "chromium: $((SECONDS - start)) s"
}

# ssh-keygen, which the signature tests check Flowmap's SSH signatures with (cli/tests/sign.rs).
ensure_ssh_keygen() {
  if [[ -x /usr/bin/ssh-keygen ]]; then
    note "ssh-keygen: present"
    return
  fi
  say "apt-get install openssh-client (for ssh-keygen)"
  local start="$SECONDS"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-client
  note "openssh-client: $((SECONDS - start)) s"
}

# What `trunk build` / `trunk serve` need.
ensure_build_tools() {
  say "Checking tools (installing what is missing)"
  ensure_rust
  ensure_node_modules
  ensure_trunk
  ensure_wasm_bindgen
}

# Everything the cargo crates need, fetched once so all later steps run --offline.
fetch_crates() {
  (cd "$FLOWMAP_ROOT" && timed "cargo fetch --locked" cargo fetch --locked)
}
