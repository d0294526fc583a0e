#!/usr/bin/env bash
# Create a handful of users from CSV in CI, tolerating failures per row.
#
#   PLATFORM_BASE_URL=https://platform.example.com PLATFORM_API_KEY=plat_... examples/ci_bulk.sh
#
# Needs an admin API key (roles other than customer are admin-only). Each run tags its
# users with a unique prefix, so reruns do not collide. Exit codes: 0 all created,
# 3 some rows failed (partial failure, as `platform help exit-codes` documents), 4 no
# credential, 1 anything else. Depends on the `platform` CLI and python3 only (no jq).
set -euo pipefail

: "${PLATFORM_BASE_URL:?set PLATFORM_BASE_URL to the server URL}"
: "${PLATFORM_API_KEY:?set PLATFORM_API_KEY to an admin API key}"
export PLATFORM_BASE_URL PLATFORM_API_KEY
PLATFORM="${PLATFORM:-platform}"
RUN_ID="${RUN_ID:-ci$(date +%s)$$}"

# Fail fast (exit 4) if the key is wrong, before touching anything.
"$PLATFORM" auth status -o json >/dev/null

created=0
failed=0
while IFS=, read -r local_part name role; do
    [[ -z "$local_part" || "$local_part" == \#* ]] && continue
    email="${RUN_ID}-${local_part}@example.com"
    # A random password per user, passed on stdin (never on the command line).
    password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
    if out="$(printf '%s\n' "$password" | "$PLATFORM" users create \
            --email "$email" --name "$name" --role "$role" --password-stdin -o json 2>&1)"; then
        id="$(printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')"
        echo "created ${email} (${role}) ${id}"
        created=$((created + 1))
    else
        status=$?
        echo "FAILED  ${email} (exit ${status}): ${out}" >&2
        failed=$((failed + 1))
    fi
done <<'CSV'
# local part,name,role
alice,Alice Example,customer
bob,Bob Example,customer
carol,Carol Example,staff
dave,Dave Example,customer
erin,Erin Example,admin
CSV

echo "--- users of this run (${RUN_ID}) ---"
"$PLATFORM" users list --query "$RUN_ID" --all -o json | python3 -c '
import json, sys
users = json.load(sys.stdin)
for user in users:
    print("%-45s %-9s %s" % (user["email"], user["role"], user["status"]))
print("%d user(s)" % len(users))
'

echo "created: ${created}, failed: ${failed}"
if (( failed > 0 )); then
    exit 3
fi
