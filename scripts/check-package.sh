#!/usr/bin/env bash
# npm run check:package: builds, packs the tarball, checks what it ships, and proves its exports from a consumer that
# imports it as an installed package (extracted into a temporary app's node_modules; effect and @effect/platform are
# linked from this repository's node_modules, so the check is offline and takes seconds).
#
# The tarball must hold dist/ (JS, .d.ts, source maps with their sources inlined), README.md, LICENSE, CHANGELOG.md
# and package.json, and no TypeScript source (no src/ at all, so no src/internal/**).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fail() { echo "check:package: $*" >&2; exit 1; }

rm -rf dist
npx tsc -p tsconfig.build.json

work="$(mktemp -d "${TMPDIR:-/tmp}/effect-pagerduty-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
[ -f "$tarball" ] || fail "npm pack produced no tarball"

files="$(tar -tzf "$tarball" | sed 's#^package/##' | sort)"
for required in package.json README.md LICENSE CHANGELOG.md dist/index.js dist/index.d.ts dist/index.js.map \
  dist/testing.js dist/testing.d.ts dist/testing/server.js dist/bin/effect-pagerduty-fake.js; do
  grep -qx "$required" <<<"$files" || fail "the tarball lacks $required"
done
if grep -E '^src/|(^|/)[^/]*\.ts$' <<<"$files" | grep -vE '\.d\.ts$' >/dev/null; then
  fail "the tarball ships TypeScript source: $(grep -E '^src/|\.ts$' <<<"$files" | grep -vE '\.d\.ts$' | head -5 | tr '\n' ' ')"
fi
unexpected="$(grep -vE '^(dist/.*\.(js|d\.ts|js\.map)|package\.json|README\.md|LICENSE|CHANGELOG\.md)$' <<<"$files" || true)"
[ -z "$unexpected" ] || fail "the tarball ships unexpected files: $(tr '\n' ' ' <<<"$unexpected")"

app="$work/app"
mkdir -p "$app/node_modules/effect-pagerduty" "$app/node_modules/@effect" "$app/node_modules/@types"
tar -xzf "$tarball" -C "$app/node_modules/effect-pagerduty" --strip-components=1
ln -s "$root/node_modules/effect" "$app/node_modules/effect"
ln -s "$root/node_modules/@effect/platform" "$app/node_modules/@effect/platform"
ln -s "$root/node_modules/@types/node" "$app/node_modules/@types/node"
# The optional peers, for the rate-limit entries only (the consumer also checks the main entries never import them).
ln -s "$root/node_modules/@effect/experimental" "$app/node_modules/@effect/experimental"
ln -s "$root/node_modules/ioredis" "$app/node_modules/ioredis"

# Every source map resolves: as many inlined sources as sources, none empty.
(cd "$app/node_modules/effect-pagerduty" && node --input-type=module -e '
import * as fs from "node:fs"
const maps = fs.readdirSync("dist", { recursive: true }).filter((f) => f.endsWith(".js.map"))
const bad = maps.filter((f) => {
  const map = JSON.parse(fs.readFileSync(`dist/${f}`, "utf8"))
  return !Array.isArray(map.sourcesContent) || map.sourcesContent.length !== map.sources.length ||
    map.sourcesContent.some((s) => typeof s !== "string" || s.length === 0)
})
if (maps.length === 0 || bad.length > 0) {
  process.stderr.write(`check:package: source maps without inlined sources: ${bad.join(", ") || "(no maps)"}\n`)
  process.exit(1)
}
') || exit 1

cp test/consumer/consumer.ts test/consumer/rateLimit.ts "$app/"
cat >"$app/package.json" <<'JSON'
{ "name": "consumer", "private": true, "type": "module" }
JSON
cat >"$app/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "target": "ES2022",
    "lib": ["ES2022", "DOM"],
    "types": ["node"],
    "skipLibCheck": false,
    "noEmit": false,
    "outDir": "out"
  },
  "files": ["consumer.ts", "rateLimit.ts"]
}
JSON
"$root/node_modules/.bin/tsc" -p "$app/tsconfig.json" || fail "the consumer does not type-check against the packed .d.ts"
node "$app/out/consumer.js"
node "$app/out/rateLimit.js"
# The package's command (npx effect-pagerduty-fake) starts from the shipped files.
node "$app/node_modules/effect-pagerduty/dist/bin/effect-pagerduty-fake.js" --help >/dev/null ||
  fail "the effect-pagerduty-fake command does not start from the packed package"
echo "check:package: $(basename "$tarball") ships $(wc -l <<<"$files") files, no TypeScript source; consumer OK"
