#!/usr/bin/env bash
# build-web.sh - build the web app into web/dist, which `zhijian serve` serves: the app's own
# modules (web/src) and ECharts from npm (web/node_modules, installed by `npm ci` from
# web/package-lock.json when missing or older than the lock file). Nothing comes from a CDN.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf dist.tmp
mkdir -p dist.tmp/vendor
cp src/*.html src/*.js src/*.css dist.tmp/
cp node_modules/echarts/dist/echarts.min.js dist.tmp/vendor/
cp node_modules/echarts/LICENSE dist.tmp/vendor/echarts.LICENSE.txt
rm -rf dist
mv dist.tmp dist
