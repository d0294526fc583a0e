#!/usr/bin/env bash
# A nightly sync as a CI job runs it: upload the ERP's catalog file as a server-side
# bulk import, wait for it with progress lines, keep the report of any bad rows, and
# export the catalog back for the next system in line.
#
#   PLATFORM_BASE_URL=https://platform.example.com PLATFORM_API_KEY=plat_... \
#       examples/nightly_catalog_sync.sh [products.csv]
#
# Exit codes (from `platform bulk import --wait`): 0 every row applied, 3 some rows
# failed (the report's path is printed; the others were applied), 1 the job failed.
# The job runs on the server: if this runner dies, the import still finishes.
set -euo pipefail

: "${PLATFORM_BASE_URL:?set PLATFORM_BASE_URL to the server URL}"
: "${PLATFORM_API_KEY:?set PLATFORM_API_KEY to a staff or admin API key}"
export PLATFORM_BASE_URL PLATFORM_API_KEY
PLATFORM="${PLATFORM:-platform}"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

file="${1:-}"
options=()
if [[ -z "$file" ]]; then
    # No file given (as in this repository's CI): a small one with one bad row.
    run_id="nightly$(date +%s)$$"
    file="$workdir/products.csv"
    {
        echo "sku,name,price,currency,category,stock"
        for n in 1 2 3 4 5; do echo "${run_id}-${n},Nightly item ${n},${n}.50,USD,${run_id},10"; done
        echo "${run_id}-bad,Broken price,free,USD,${run_id},1"
    } >"$file"
    options=(--create-categories)  # its category is new (an ERP's usually are not)
fi

# Validate first: a dry run checks every row on the server and writes nothing.
"$PLATFORM" bulk import products "$file" "${options[@]}" --dry-run --wait \
    --report "$workdir/dry-run.csv" || {
    status=$?
    [[ $status -eq 3 ]] || exit "$status"
    echo "dry run: some rows would fail (see above); importing the rest" >&2
}

status=0
"$PLATFORM" bulk import products "$file" "${options[@]}" --wait --report "$workdir/report.csv" ||
    status=$?
if [[ $status -eq 3 ]]; then
    echo "rows that failed:" >&2
    grep ',failed,' "$workdir/report.csv" >&2 || true
elif [[ $status -ne 0 ]]; then
    exit "$status"
fi

"$PLATFORM" bulk export products --out "$workdir/catalog.jsonl"
echo "exported $(wc -l <"$workdir/catalog.jsonl") products"
"$PLATFORM" bulk jobs list --limit 3
