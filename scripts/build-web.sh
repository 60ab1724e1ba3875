#!/usr/bin/env bash
# build-web.sh - build the web app into web/dist, which `zhijian serve` serves: the app's own
# modules (web/src) and ECharts from npm (web/node_modules, installed by `npm ci` from
# web/package-lock.json when missing or older than the lock file). Nothing comes from a CDN.
# ECharts is bundled by esbuild from web/charts/echarts.entry.js with only the charts and
# components the app uses (echarts/core); every text file gets a gzip twin (FILE.gz) that the
# server sends to browsers that accept gzip.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf dist.tmp
mkdir -p dist.tmp/vendor
cp src/*.html src/*.js src/*.css dist.tmp/
node_modules/.bin/esbuild charts/echarts.entry.js --bundle --minify --format=iife \
    --target=es2020 --legal-comments=none --log-level=warning --outfile=dist.tmp/vendor/echarts.min.js
cp node_modules/echarts/LICENSE dist.tmp/vendor/echarts.LICENSE.txt
find dist.tmp -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.txt' \) \
    -exec gzip -9 -k -n {} +
rm -rf dist
mv dist.tmp dist
