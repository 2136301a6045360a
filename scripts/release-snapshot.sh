#!/usr/bin/env bash
# release-snapshot.sh: build what a release would publish, without publishing anything.
#
#   scripts/release-snapshot.sh
#
# 1. goreleaser check (the config, including the Homebrew cask section);
# 2. goreleaser release --snapshot --clean: six archives, checksums.txt, the cask, into dist/;
# 3. scripts/npm-packages.mjs: the npm launcher and one package per platform, packed into
#    dist/npm/ (clerkconvex-<version>.tgz, clerkconvex-<os>-<cpu>-<version>.tgz).
#
# goreleaser runs from the Go module proxy at a pinned version (GORELEASER overrides the command).
# Knobs: GORELEASER_PARALLELISM (goreleaser --parallelism, default: goreleaser's, the CPU count).
# Check the result with: go test -tags release ./test/release  (docs/release.md).
set -euo pipefail
cd "$(dirname "$0")/.."

GORELEASER_VERSION=v2.15.1
read -r -a goreleaser <<<"${GORELEASER:-go run github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION}"


# goreleaser reads the commit only when `git ls-remote --get-url` works; in a clone without a
# remote it would build with commit "none". Name the project's remote for this run only.
if ! git ls-remote --get-url >/dev/null 2>&1 || [[ -z $(git remote) ]]; then
	export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url
	export GIT_CONFIG_VALUE_0=https://github.com/clerkconvex/clerkconvex.git
fi

echo "== goreleaser check"
"${goreleaser[@]}" check

echo "== goreleaser release --snapshot --clean"
args=(release --snapshot --clean)
[[ -n ${GORELEASER_PARALLELISM:-} ]] && args+=(--parallelism "$GORELEASER_PARALLELISM")
"${goreleaser[@]}" "${args[@]}"

echo "== npm packages (dist/npm)"
node scripts/npm-packages.mjs dist
