#!/usr/bin/env bash
# Validates Flowmap's SARIF and OSCAL exports with the tools their consumers use.
#
# Exports SARIF and OSCAL for the example model, every rule fixture
# (tests/fixtures/rules/*.flowmap.json) and the hostile-strings fixture at a fixed timestamp,
# SARIF of the example named three more ways (an absolute path inside the repository, a
# copy outside any repository, and --srcroot), and SARIF against a baseline (`flowmap diff`,
# `flowmap check --baseline`), then runs:
#   1. JSON Schema validation (Python jsonschema, the Draft each schema declares: SARIF 2.1.0 is
#      Draft 4, OSCAL 1.0.6 assessment results Draft 7) against the schemas vendored in
#      schema/vendor/ (origins in schema/vendor/SOURCES.md);
#   2. Microsoft's SARIF validator (npm @microsoft/sarif-multitool, its SARIF and GitHub rule
#      sets): no error allowed; warnings are listed;
#   3. compliance-trestle (PyPI) `trestle validate` of every OSCAL document in a scratch
#      trestle workspace.
#
# Tools install idempotently: a Python venv in .tools/validate-venv (gitignored) with pinned
# versions, and the npm devDependencies of package.json (npm ci) when the multitool is missing
# or not the pinned version. A second run installs nothing.
#
# Usage: tests/validate/exports.sh        (KEEP=1 keeps the exported files and prints where)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/validate"
SCHEMAS="$ROOT/schema/vendor"
VENV="$ROOT/.tools/validate-venv"
TIMESTAMP="2026-11-22T12:00:00Z"
# Pinned Python tools: name==version, as pip takes them.
PY_TOOLS=("compliance-trestle==5.2.0" "jsonschema[format-nongpl]==4.26.0" "regex==2026.11.15")
MULTITOOL_PACKAGE="$ROOT/node_modules/@microsoft/sarif-multitool"
MULTITOOL="$ROOT/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
# The .NET binary needs no ICU this way; validation is culture-independent.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
  printf '\nerror: %s\n' "$*" >&2
  exit 1
}

START="$SECONDS"
step_start=0
step() {
  step_start="$SECONDS"
  say "$*"
}
done_step() { note "($((SECONDS - step_start)) s)"; }

ensure_python_tools() {
  step "Python tools (${PY_TOOLS[*]})"
  local check='
import importlib.metadata as m, sys
for spec in sys.argv[1:]:
    name, version = spec.split("==")
    name = name.split("[")[0]
    try:
        if m.version(name) != version:
            sys.exit(1)
    except m.PackageNotFoundError:
        sys.exit(1)
'
  if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c "$check" "${PY_TOOLS[@]}"; then
    note "present in ${VENV#"$ROOT"/}"
  else
    command -v python3 >/dev/null || die "python3 not found"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_TOOLS[@]}"
    note "installed in ${VENV#"$ROOT"/}"
  fi
  done_step
}

ensure_multitool() {
  step "SARIF multitool (npm @microsoft/sarif-multitool)"
  command -v node >/dev/null || die "node not found (Node.js 20 or newer is needed)"
  local pinned installed
  pinned="$(node -p 'require(process.argv[1]).devDependencies["@microsoft/sarif-multitool"]' \
    "$ROOT/package.json")"
  installed="$(node -p 'require(process.argv[1]).version' "$MULTITOOL_PACKAGE/package.json" \
    2>/dev/null || true)"
  if [[ "$installed" == "$pinned" && -x "$MULTITOOL" ]]; then
    note "$pinned present"
  else
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    [[ -x "$MULTITOOL" ]] || chmod u+x "$MULTITOOL" 2>/dev/null ||
      die "npm ci did not install $MULTITOOL (the package ships a Linux x64 .NET binary)"
    note "$pinned installed"
  fi
  done_step
}

[[ -f "$SCHEMAS/sarif-schema-2.1.0.json" && -f "$SCHEMAS/oscal-assessment-results-1.0.6.schema.json" ]] ||
  die "the vendored schemas are missing from ${SCHEMAS#"$ROOT"/} (see schema/vendor/SOURCES.md)"

ensure_python_tools
ensure_multitool

step "cargo build -p flowmap-cli"
(cd "$ROOT" && cargo build --quiet -p flowmap-cli)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
FLOWMAP="$TARGET_DIR/debug/flowmap"
done_step

OUT="$(mktemp -d "${TMPDIR:-/tmp}/flowmap-validate.XXXXXX")"
if [[ "${KEEP:-}" == 1 ]]; then
  trap 'note "exports kept in $OUT"' EXIT
else
  trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT/sarif" "$OUT/trestle"

step "trestle init (scratch workspace)"
(cd "$OUT/trestle" && "$VENV/bin/trestle" init >/dev/null)
done_step

step "export SARIF and OSCAL at $TIMESTAMP"
models=("$ROOT/examples/serverless-shop.flowmap.json" "$ROOT"/tests/fixtures/rules/*.flowmap.json)
# Hostile strings (formula starts, markup, bidi controls), where the fixture exists.
[[ -f "$ROOT/tests/fixtures/hostile.flowmap.json" ]] && models+=("$ROOT/tests/fixtures/hostile.flowmap.json")
for model in "${models[@]}"; do
  name="$(basename "$model" .flowmap.json)"
  relative="${model#"$ROOT"/}"
  (cd "$ROOT" && "$FLOWMAP" export "$relative" --format sarif --timestamp "$TIMESTAMP" \
    -o "$OUT/sarif/$name.sarif")
  mkdir -p "$OUT/trestle/assessment-results/$name"
  (cd "$ROOT" && "$FLOWMAP" export "$relative" --format oscal --timestamp "$TIMESTAMP" \
    -o "$OUT/trestle/assessment-results/$name/assessment-results.json")
done
# The same model named other ways: SARIF URIs must be valid however the path was given.
example="$ROOT/examples/serverless-shop.flowmap.json"
"$FLOWMAP" export "$example" --format sarif --timestamp "$TIMESTAMP" -o "$OUT/sarif/absolute-in-repo.sarif"
mkdir -p "$OUT/loose"
cp "$example" "$OUT/loose/shop.flowmap.json"
"$FLOWMAP" export "$OUT/loose/shop.flowmap.json" --format sarif --timestamp "$TIMESTAMP" \
  -o "$OUT/sarif/outside-any-repo.sarif"
(cd "$ROOT/examples" && "$FLOWMAP" export serverless-shop.flowmap.json --format sarif \
  --timestamp "$TIMESTAMP" --srcroot "$ROOT/examples" -o "$OUT/sarif/srcroot.sarif")
grep -q '"uri": "file:///' "$OUT/sarif/outside-any-repo.sarif" ||
  die "a model outside any repository is not named by a file:// URI"
if grep -q '"uriBaseId"' "$OUT/sarif/outside-any-repo.sarif"; then
  die "a model outside any repository still has a uriBaseId"
fi
grep -q '"uri": "examples/serverless-shop.flowmap.json"' "$OUT/sarif/absolute-in-repo.sarif" ||
  die "an absolute path inside the repository is not made relative to its root"
note "${#models[@]} models, and the example by absolute path, outside any repository, with --srcroot"
note "${#models[@]} models"
# Against a baseline: results carry baselineState (new, unchanged, updated) and the baseline's
# findings that are gone follow as absent results. `flowmap diff` of the example change, the
# same through `check --baseline`, and the example against the hostile model (every finding
# new or absent, hostile text in every message).
change="tests/fixtures/diff/serverless-shop-change.flowmap.json"
(cd "$ROOT" && "$FLOWMAP" diff examples/serverless-shop.flowmap.json "$change" --format sarif \
  --timestamp "$TIMESTAMP" --fail-on never >"$OUT/sarif/diff-example.sarif")
(cd "$ROOT" && "$FLOWMAP" check "$change" --baseline examples/serverless-shop.flowmap.json \
  --format sarif --timestamp "$TIMESTAMP" --fail-on never >"$OUT/sarif/baseline-example.sarif")
(cd "$ROOT" && "$FLOWMAP" diff examples/serverless-shop.flowmap.json \
  tests/fixtures/hostile.flowmap.json --format sarif --timestamp "$TIMESTAMP" --fail-on never \
  >"$OUT/sarif/diff-hostile.sarif")
note "3 SARIF logs against a baseline"
done_step

failed=0

step "JSON Schema: SARIF 2.1.0"
"$VENV/bin/python" "$HERE/schema_check.py" "$SCHEMAS/sarif-schema-2.1.0.json" "$OUT"/sarif/*.sarif |
  sed "s#$OUT/##" || failed=1
done_step

step "JSON Schema: OSCAL 1.0.6 assessment results"
"$VENV/bin/python" "$HERE/schema_check.py" "$SCHEMAS/oscal-assessment-results-1.0.6.schema.json" \
  "$OUT"/trestle/assessment-results/*/assessment-results.json | sed "s#$OUT/##" || failed=1
done_step

step "sarif-multitool validate (rule kinds Sarif, Gh)"
# The multitool exits 0 even when it reports errors, so its output is read. It also skips, in
# silence, a file it cannot deserialize; every Flowmap log gets SARIF2005 (no informationUri),
# so a file that is named nowhere in the output was not analysed.
"$MULTITOOL" validate "$OUT"/sarif/*.sarif --rule-kind "Sarif;Gh" >"$OUT/multitool.log" 2>&1 ||
  { cat "$OUT/multitool.log"; die "sarif-multitool failed to run"; }
if grep -q ": error " "$OUT/multitool.log"; then
  grep ": error " "$OUT/multitool.log" | sed "s#$OUT/##"
  failed=1
fi
for file in "$OUT"/sarif/*.sarif; do
  if ! grep -qF "$file(" "$OUT/multitool.log"; then
    note "not analysed by the multitool: ${file#"$OUT"/}"
    failed=1
  fi
done
errors="$(grep -c ": error " "$OUT/multitool.log" || true)"
note "$(grep -c '\.sarif$' <<<"$(ls "$OUT"/sarif/*.sarif)") files, $errors errors; warnings and notes by rule:"
grep -oE ": (warning|note) [A-Z0-9]+" "$OUT/multitool.log" | sort | uniq -c | sed 's/^/    /' || true
done_step

step "trestle validate -a (compliance-trestle)"
if (cd "$OUT/trestle" && "$VENV/bin/trestle" validate -a >"$OUT/trestle.log" 2>&1); then
  note "$(grep -c '^VALID' "$OUT/trestle.log") documents VALID"
  grep -v '^VALID' "$OUT/trestle.log" | sort | uniq -c | sed 's/^/    /' || true
else
  sed "s#$OUT/##" "$OUT/trestle.log"
  failed=1
fi
done_step

if ((failed)); then
  say "FAILED ($((SECONDS - START)) s)"
  exit 1
fi
say "SARIF and OSCAL exports of ${#models[@]} models are valid ($((SECONDS - START)) s)"
