#!/usr/bin/env bash
# fuzz.sh: run every fuzz target briefly (FUZZTIME each, default 5s). The seed corpora
# (f.Add and testdata/fuzz/) already run in every `go test`; this explores beyond them.
# A failure leaves the crashing input in the package's testdata/fuzz/<Target>/: commit it
# with the fix, so it becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-5s}

# package target
targets=(
	./internal/dotenv FuzzParse
	./internal/dotenv FuzzSetKeepsOtherLines
	./internal/clerk FuzzParsePublishableKey
	./internal/convex FuzzMergeKeepsUserText
	./internal/convex FuzzManualCommand
	./internal/oidc FuzzParseToken
	./internal/doctor FuzzStripComments
)

# Every Fuzz function in the tree must be listed above (a new target is not forgotten).
listed=" "
for ((i = 1; i < ${#targets[@]}; i += 2)); do listed+="${targets[i]} "; done
missing=0
while IFS= read -r name; do
	if [[ $listed != *" $name "* ]]; then
		echo "fuzz.sh: $name is not listed in scripts/fuzz.sh" >&2
		missing=1
	fi
done < <(grep -rhoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' --include='*_test.go' internal cmd | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u)
[[ $missing == 0 ]] || exit 1

for ((i = 0; i < ${#targets[@]}; i += 2)); do
	pkg=${targets[i]} name=${targets[i + 1]}
	echo "== $name ($pkg, $FUZZTIME)"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "$pkg"
done
