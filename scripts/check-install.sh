#!/usr/bin/env bash
# npm run check:install (run by .ci/run): installs the packed package into a fresh app with EXACTLY the README's
# install line, read from the README (with `effect-pagerduty` replaced by the tarball's path), then type-checks and runs
# test/install/app.ts there against the library's fake PagerDuty on 127.0.0.1.
#
# It needs the npm registry (the line installs effect, @effect/platform and @effect/platform-node from it). Packages
# already in npm's cache are not downloaded again (prefer-offline), so a second run takes seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fail() { echo "check:install: $*" >&2; exit 1; }

# The README's install line: every `npm install effect-pagerduty ...` line of README.md, which must all be the same.
lines="$(grep -E '^npm install effect-pagerduty( |$)' README.md | sed 's/[[:space:]]*$//' | sort -u)"
[ -n "$lines" ] || fail "README.md has no line starting with 'npm install effect-pagerduty'"
[ "$(wc -l <<<"$lines")" -eq 1 ] || fail "README.md shows different install lines:"$'\n'"$lines"
line="$lines"
echo "check:install: README's install line: $line"

rm -rf dist
npx tsc -p tsconfig.build.json
work="$(mktemp -d "${TMPDIR:-/tmp}/effect-pagerduty-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
[ -f "$tarball" ] || fail "npm pack produced no tarball"

app="$work/app"
mkdir -p "$app"
cat >"$app/package.json" <<'JSON'
{ "name": "fresh-app", "version": "1.0.0", "private": true, "type": "module" }
JSON
# Replace the package name (the word after `npm install`) with the tarball, nothing else.
command="${line/#npm install effect-pagerduty/npm install $tarball}"
[ "$command" != "$line" ] || fail "could not substitute the tarball into: $line"
echo "check:install: in a fresh app: $command"
(cd "$app" && npm_config_audit=false npm_config_fund=false npm_config_prefer_offline=true npm_config_update_notifier=false \
  bash -c "$command") || fail "the README's install line failed in a fresh app"

cp test/install/app.ts "$app/app.ts"
cat >"$app/tsconfig.json" <<JSON
{
  "compilerOptions": {
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "target": "ES2022",
    "lib": ["ES2022", "DOM"],
    "types": ["node"],
    "typeRoots": ["$root/node_modules/@types"],
    "skipLibCheck": true,
    "outDir": "out"
  },
  "files": ["app.ts"]
}
JSON
"$root/node_modules/.bin/tsc" -p "$app/tsconfig.json" || fail "the app does not type-check against the installed package"
(cd "$app" && node out/app.js) || fail "the app failed against the fake"
echo "check:install: OK (installed: $(cd "$app" && npm ls --depth=0 2>/dev/null | tail -n +2 | tr -d '\n'))"
