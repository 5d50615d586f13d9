#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Searches raw files for any person's name, birth date or document number from a scenario.

usage: plaintext_check.py SCENARIO_DIR FILE...
Exit 0 when none is found, 1 (listing a few) otherwise. Skipped, because they occur by chance
in public plaintext (refs, coordinates, place names) rather than leak: names shorter than five
bytes, year-only dates, all-digit numbers shorter than eight digits, and values that are part
of a place name ("Hamid" in "Hamid Karzai International Airport").
"""
import csv
import os
import subprocess
import sys
import tempfile


def values(scen):
    places = []
    with open(os.path.join(scen, "locations.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            places.append(row["name"].encode())
    public = b"\n".join(places)
    found = set()
    with open(os.path.join(scen, "people.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for col in ("given_name", "family_name", "father_name", "grandfather_name",
                        "native_name"):
                v = row[col].strip().encode()
                if len(v) >= 5:
                    found.add(v)
            d = row["birth_date"].strip()
            if len(d) >= 7:
                found.add(d.encode())
    for name, col in (("documents.csv", "number"), ("contacts.csv", "value"),
                      ("employment.csv", "supervisor")):
        with open(os.path.join(scen, name), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                v = row[col].strip().encode()
                if len(v) >= 5:
                    found.add(v)
    return {v for v in found
            if v not in public and not (v.isdigit() and len(v) < 8)}


def main():
    scen, files = sys.argv[1], sys.argv[2:]
    needles = sorted(values(scen))
    print(f"checking {len(needles)} distinct values in {len(files)} files")
    # grep -F matches many fixed strings at once (Aho-Corasick-like), in binary files too.
    with tempfile.NamedTemporaryFile("wb", suffix=".needles", delete=False) as f:
        f.write(b"\n".join(needles) + b"\n")
        pattern_file = f.name
    hits = 0
    try:
        for path in files:
            r = subprocess.run(["grep", "-a", "-F", "-o", "-f", pattern_file, path],
                               stdout=subprocess.PIPE, env={"LC_ALL": "C"})
            found = [line for line in r.stdout.split(b"\n") if line]
            hits += len(found)
            for v in found[:5]:
                print(f"plaintext in {path}: {v[:3].decode(errors='replace')}... "
                      f"({len(v)} bytes)")
    finally:
        os.unlink(pattern_file)
    return 1 if hits else 0


sys.exit(main())
