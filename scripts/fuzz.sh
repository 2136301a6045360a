#!/usr/bin/env bash
# fuzz.sh: run every fuzz target briefly. The seed corpora (f.Add and testdata/fuzz/) already
# run in every `go test`; this explores beyond them.
#
# Budget: by default each target runs a fixed number of inputs (the third column below,
# sized to about 3 s per target on the 2-core CI machine). A run count, unlike a duration,
# has no wall-clock deadline, so it cannot hit the Go fuzz-timer race (golang/go#75804,
# fixed in Go 1.27) in which a duration budget ends with a bare "context deadline exceeded"
# failure and no failing input. FUZZTIME (any -fuzztime value: 30s, 50000x) overrides the
# budget of every target.
#
# A failure leaves the crashing input in the package's testdata/fuzz/<Target>/: commit it
# with the fix, so it becomes a regression test. A failure that wrote no input and printed
# only "context deadline exceeded" is that Go bug: the target is run once more (and the
# script says so); it fails if the retry fails too. Any other failure fails at once.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME=${FUZZTIME:-}

# package target default-budget
targets=(
	./internal/dotenv FuzzParse 150000x
	./internal/dotenv FuzzSetKeepsOtherLines 120000x
	./internal/clerk FuzzParsePublishableKey 40000x
	./internal/convex FuzzMergeKeepsUserText 2500x
	./internal/convex FuzzManualCommand 30000x
	./internal/convex FuzzMergeUsersOnlyInserts 3000x
	./internal/oidc FuzzParseToken 10000x
	./internal/doctor FuzzStripComments 30000x
	./internal/safetext FuzzLine 30000x
)

# Every Fuzz function in the tree must be listed above (a new target is not forgotten).
listed=" "
for ((i = 1; i < ${#targets[@]}; i += 3)); do listed+="${targets[i]} "; done
missing=0
while IFS= read -r name; do
	if [[ $listed != *" $name "* ]]; then
		echo "fuzz.sh: $name is not listed in scripts/fuzz.sh" >&2
		missing=1
	fi
done < <(grep -rhoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' --include='*_test.go' internal cmd | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u)
[[ $missing == 0 ]] || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# corpus_files DIR: the files in a testdata/fuzz/<Target> folder, one per line (none if absent).
corpus_files() { [[ -d $1 ]] && find "$1" -type f | sort || true; }

# fuzz_once PKG NAME BUDGET: 0 passed; 1 failed for real; 2 failed with the bare deadline
# error and wrote no failing input (golang/go#75804).
fuzz_once() {
	local pkg=$1 name=$2 budget=$3 corpus="$1/testdata/fuzz/$2" before after status=0
	before=$(corpus_files "$corpus")
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$budget" "$pkg" 2>&1 | tee "$log" || status=$?
	[[ $status == 0 ]] && return 0
	after=$(corpus_files "$corpus")
	if [[ $before == "$after" ]] && ! grep -q 'Failing input written' "$log" &&
		grep -qx '[[:space:]]*context deadline exceeded' "$log"; then
		return 2
	fi
	return 1
}

for ((i = 0; i < ${#targets[@]}; i += 3)); do
	pkg=${targets[i]} name=${targets[i + 1]} budget=${FUZZTIME:-${targets[i + 2]}}
	echo "== $name ($pkg, $budget)"
	status=0
	fuzz_once "$pkg" "$name" "$budget" || status=$?
	if [[ $status == 2 ]]; then
		echo "fuzz.sh: $name failed with a bare \"context deadline exceeded\" and wrote no failing input (Go fuzz-timer bug golang/go#75804); running it once more" >&2
		status=0
		fuzz_once "$pkg" "$name" "$budget" || status=$?
	fi
	if [[ $status != 0 ]]; then
		echo "fuzz.sh: $name failed (see above; a failing input, if any, is in $pkg/testdata/fuzz/$name/)" >&2
		exit 1
	fi
done
