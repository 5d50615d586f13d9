#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Brute-force Jaro-Winkler peer for bench_screening: for each query, the best of all listed
name strings by jellyfish.jaro_winkler_similarity (Debian's python3-jellyfish), as a naive
screening tool would do. Run by bench_screening as a separate process.

usage: jw_peer.py NAMES_FILE QUERIES_FILE   (one lower-cased name per line in each)
prints: "queries N seconds T"
"""
import sys
import time

import jellyfish


def main():
    names = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
    queries = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8")]
    jw = jellyfish.jaro_winkler_similarity
    t0 = time.perf_counter()
    for q in queries:
        best = -1.0
        for n in names:
            s = jw(q, n)
            if s > best:
                best = s
    print(f"queries {len(queries)} seconds {time.perf_counter() - t0:.6f}")


if __name__ == "__main__":
    main()
