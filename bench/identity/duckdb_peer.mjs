// duckdb_peer.mjs - the peer of bench_identity: the same blocking rules and Jaro-Winkler
// comparisons written as SQL in DuckDB, the way Splink runs them (a union of equi-joins, a pair
// kept only by the first rule that finds it, then comparison levels per pair and the counts of
// each comparison pattern, which is what Splink's EM reads). Blocking is on exact values
// (lower-cased): DuckDB has no Dari/Pashto name skeletons, so the peer blocks on equality where
// Haven blocks on skeletons. Prints one JSON line: rows, candidate pairs, patterns, seconds.
// Usage: node duckdb_peer.mjs hist|scale FILE.csv [--threads N]
// Install: npm ci (in bench/identity; not part of CI).
// SPDX-License-Identifier: Apache-2.0
import { DuckDBInstance } from '@duckdb/node-api';

const [, , which, file, ...rest] = process.argv;
let threads = 2;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--threads') threads = Number(rest[++i]);
}
if (!which || !file) {
  console.error('usage: node duckdb_peer.mjs hist|scale FILE.csv [--threads N]');
  process.exit(1);
}

// Per data set: the columns as a cleaned view, the blocking rules (as in bench_identity.c) and
// the comparisons (Jaro-Winkler levels on names, exact or fuzzy on the rest).
const sets = {
  // historical_figures_with_errors_50k: NAME, DATE, GIVEN_DATE, FAMILY_DATE, NAME_YEAR, EXTRA1.
  hist: {
    view: `SELECT unique_id AS id, lower(first_name) AS given, lower(surname) AS family,
                  CAST(dob AS VARCHAR) AS dob, substr(CAST(dob AS VARCHAR), 1, 4) AS year,
                  lower(birth_place) AS place, CAST(postcode_fake AS VARCHAR) AS postcode,
                  lower(gender) AS sex, lower(occupation) AS occupation
           FROM read_csv_auto('${file}', all_varchar = true)`,
    rules: [
      'l.given = r.given AND l.family = r.family',
      'l.dob = r.dob',
      'l.given = r.given AND l.dob = r.dob',
      'l.family = r.family AND l.dob = r.dob',
      'l.given = r.given AND l.family = r.family AND l.year = r.year',
      'l.postcode = r.postcode',
    ],
    jw: ['given', 'family', 'place'],
    exact: ['dob', 'postcode', 'sex', 'occupation'],
  },
  // Generated registrations: GIVEN_YEAR, FATHER_GIVEN, DOC (each number), NAME_YEAR,
  // NATIVE_YEAR, with the secondary keys Haven splits blocks of over 60 records by (the first
  // word of the father's name; the family name): on exact values the plain rules give 145 M
  // pairs at a million records (given+year alone 87 M, largest block 1,892), so the peer
  // applies the secondary key to every block of those rules, Haven only to oversized ones.
  scale: {
    view: `SELECT id, lower(given) AS given, coalesce(lower(family), '') AS family,
                  lower(father) AS father, split_part(lower(father), ' ', 1) AS father1,
                  lower(grandfather) AS grandfather, native, birth,
                  substr(birth, 1, 4) AS year, sex, tazkira, passport, phone
           FROM read_csv_auto('${file}', all_varchar = true)`,
    rules: [
      'l.given = r.given AND l.year = r.year AND l.father1 = r.father1',
      'l.father = r.father AND l.given = r.given AND l.family = r.family',
      // One rule per document kind: an OR in a join condition is a nested-loop join.
      'l.tazkira = r.tazkira',
      'l.passport = r.passport',
      'l.given = r.given AND l.family = r.family AND l.year = r.year',
      'l.native = r.native AND l.year = r.year AND l.father1 = r.father1',
    ],
    jw: ['given', 'family', 'father', 'grandfather', 'native'],
    exact: ['birth', 'tazkira', 'passport', 'phone', 'sex'],
  },
};

const cfg = sets[which];
if (!cfg) {
  console.error(`unknown data set ${which}`);
  process.exit(1);
}

const t0 = performance.now();
// The machine is shared: DuckDB may use 6 GB before it spills to /tmp (its default is 80% of
// RAM).
const instance = await DuckDBInstance.create(':memory:', {
  threads: String(threads),
  memory_limit: '6GB',
  temp_directory: '/tmp/hv-duckdb-peer-spill',
});
const con = await instance.connect();
await con.run(`CREATE TABLE rec AS ${cfg.view}`);
const t1 = performance.now();

// Splink's union of blocking rules: rule k keeps only the pairs no earlier rule found.
const blocks = cfg.rules.map((rule, k) => {
  const earlier = cfg.rules.slice(0, k).map((r) => `AND NOT coalesce(${r}, false)`).join(' ');
  return `SELECT l.id AS id_l, r.id AS id_r FROM rec l JOIN rec r
          ON l.id < r.id AND ${rule} ${earlier}`;
});
await con.run(`CREATE TABLE pairs AS ${blocks.join(' UNION ALL ')}`);
const t2 = performance.now();

const jwLevel = (c) => `CASE WHEN l.${c} IS NULL OR r.${c} IS NULL OR l.${c} = '' OR r.${c} = ''
    THEN -1 WHEN l.${c} = r.${c} THEN 3
    WHEN jaro_winkler_similarity(l.${c}, r.${c}) >= 0.92 THEN 2
    WHEN jaro_winkler_similarity(l.${c}, r.${c}) >= 0.80 THEN 1 ELSE 0 END`;
const exactLevel = (c) => `CASE WHEN l.${c} IS NULL OR r.${c} IS NULL OR l.${c} = '' OR r.${c} = ''
    THEN -1 WHEN l.${c} = r.${c} THEN 1 ELSE 0 END`;
const levels = [...cfg.jw.map(jwLevel), ...cfg.exact.map(exactLevel)];
const gamma = levels.map((x, i) => `(${x}) AS g${i}`).join(', ');
const cols = levels.map((_, i) => `g${i}`).join(', ');
const reader = await con.runAndReadAll(
  `SELECT count(*) AS patterns, sum(n) AS pairs FROM (
     SELECT ${cols}, count(*) AS n FROM (
       SELECT ${gamma} FROM pairs p JOIN rec l ON l.id = p.id_l JOIN rec r ON r.id = p.id_r)
     GROUP BY ${cols})`
);
const t3 = performance.now();
const [patterns, pairs] = reader.getRows()[0].map(Number);
const rows = Number((await con.runAndReadAll('SELECT count(*) FROM rec')).getRows()[0][0]);
console.log(
  JSON.stringify({
    peer: 'duckdb',
    set: which,
    threads,
    rows,
    pairs,
    patterns,
    seconds: (t3 - t0) / 1000,
    load: (t1 - t0) / 1000,
    block: (t2 - t1) / 1000,
    compare: (t3 - t2) / 1000,
    rss_mib: Math.round(process.memoryUsage().rss / 1048576),
  })
);
