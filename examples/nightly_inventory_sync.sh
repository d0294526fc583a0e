#!/usr/bin/env bash
# A warehouse's nightly stock-take as a CI job runs it: upload the counts (`sku,on_hand`,
# absolute figures) as a server-side bulk import, wait for it, keep the report of bad
# rows, and export the stock afterwards for the ERP.
#
#   PLATFORM_BASE_URL=https://platform.example.com PLATFORM_API_KEY=plat_... \
#       examples/nightly_inventory_sync.sh [counts.csv]
#
# Each changed level is recorded in the stock ledger with the reason "bulk job <id>".
# A count below what open orders have reserved fails its row; so does an unknown SKU.
# Exit codes (from `platform bulk import --wait`): 0 every row applied, 3 some rows
# failed (the others were applied), 1 the job failed (a wrong column: nothing applied).
set -euo pipefail

: "${PLATFORM_BASE_URL:?set PLATFORM_BASE_URL to the server URL}"
: "${PLATFORM_API_KEY:?set PLATFORM_API_KEY to a staff API key with inventory:write}"
export PLATFORM_BASE_URL PLATFORM_API_KEY
PLATFORM="${PLATFORM:-platform}"
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

counts="${1:-}"
if [[ -z "$counts" ]]; then
    # No file given (as in this repository's CI): count five products of the catalog as
    # they are plus ten, and add one SKU the catalog does not have.
    "$PLATFORM" bulk export inventory --out "$workdir/before.jsonl"
    counts="$workdir/counts.csv"
    python3 - "$workdir/before.jsonl" "$counts" <<'PY'
import csv, json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
stocked = [r for r in rows if r["on_hand"] is not None][:5]
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["sku", "on_hand"])
    for r in stocked:
        writer.writerow([r["sku"], r["on_hand"] + 10])
    writer.writerow(["no-such-sku-in-the-catalog", 1])
PY
fi

status=0
"$PLATFORM" bulk import inventory "$counts" --wait --report "$workdir/report.csv" || status=$?
if [[ $status -eq 3 ]]; then
    echo "rows that failed:" >&2
    grep ',failed,' "$workdir/report.csv" >&2 || true
elif [[ $status -ne 0 ]]; then
    exit "$status"
fi

"$PLATFORM" bulk export inventory --out "$workdir/stock.csv"
echo "exported the stock of $(($(wc -l <"$workdir/stock.csv") - 1)) products"
