#!/usr/bin/env python3
"""Generate Sources/ScanlogCore/Knowledge/IANARegistry+Data.swift from IANA's port registry CSV.

Usage: generate-port-registry.py CSV_PATH [OUT_PATH]

CSV_PATH is IANA's "Service Name and Transport Protocol Port Number Registry"
(service-names-port-numbers.csv, published under CC0). OUT_PATH defaults to
Sources/ScanlogCore/Knowledge/IANARegistry+Data.swift next to this script's package.

The output is one raw string literal holding one record per line, fields separated by tabs,
which IANARegistry.swift parses lazily at first use (thousands of struct literals would make
the Swift compiler run out of memory). Record fields, in order:

    protocols   letters: t=tcp u=udp s=sctp d=dccp; empty when the row names no protocol
    low         first port
    high        last port; empty when the row is a single port
    status      a=assigned u=unassigned r=reserved (derived, see derive_status)
    name        service name, may be empty
    description
    registered  registration date as IANA writes it (YYYY-MM or YYYY-MM-DD), may be empty
    modified    modification date, may be empty
    unauthorized "Unauthorized Use Reported" text, may be empty
    notes       assignment notes, may be empty

Trailing empty fields are dropped. Consecutive rows that differ only in protocol (the usual
tcp+udp pair) are merged into one record whose protocols field lists both. Every text field has
its whitespace collapsed (newlines and runs of spaces become one space). Rows without a port
number (service-name-only registrations) are skipped. Python 3 standard library only.
"""

import csv
import os
import re
import sys

PROTOCOL_LETTERS = {"tcp": "t", "udp": "u", "sctp": "s", "dccp": "d", "": ""}
FIELDS = ("Service Name", "Port Number", "Transport Protocol", "Description",
          "Registration Date", "Modification Date", "Unauthorized Use Reported", "Assignment Notes")
# Descriptions of unnamed rows that mean "no assignment here" although they do not say "Unassigned".
WITHDRAWN = re.compile(r"^(de-?registered|removed|deprecated|decomm?issioned|de-commissioned)\b", re.I)


def clean(text):
    """Collapse all whitespace (including newlines inside quoted notes) to single spaces."""
    return " ".join(text.split())


def derive_status(name, description):
    """a(ssigned), u(nassigned) or r(eserved) for one registry row.

    "Unassigned"/"Reserved" (any case, optionally followed by a remark such as
    "Unassigned [was netstat]" or "Reserved - IANA") give unassigned/reserved. Unnamed rows
    whose description says the assignment was withdrawn ("De-registered", "Removed",
    "Deprecated", "Decommissioned ...") count as unassigned. Everything else is assigned.
    """
    lower = description.lower().lstrip("(")
    if lower.startswith("unassigned"):
        return "u"
    if lower.startswith("reserved"):
        return "r"
    if not name and WITHDRAWN.match(description):
        return "u"
    return "a"


def parse_ports(text):
    """'80' -> (80, 80); '36866-37471' -> (36866, 37471)."""
    low, _, high = text.partition("-")
    low = int(low)
    high = int(high) if high else low
    if not (0 <= low <= high <= 65535):
        raise ValueError(f"bad port range {text!r}")
    return low, high


def read_rows(csv_path):
    """All rows of the CSV as dicts, after checking the columns this script needs."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [field for field in FIELDS if field not in (reader.fieldnames or [])]
        if missing:
            sys.exit(f"{csv_path}: missing columns {missing}")
        return list(reader)


def newest_date(rows):
    """Newest registration or modification date of any row (port rows or not): the CSV's version."""
    return max((clean(row[key]) for row in rows for key in ("Registration Date", "Modification Date")), default="")


def build_records(rows):
    """Returns (records, port_row_count) for the rows that have a port number."""
    records = []  # [protocol letters, rest-of-fields tuple]
    row_count = 0
    for row in rows:
        if not row["Port Number"].strip():
            continue
        row_count += 1
        proto = row["Transport Protocol"].strip().lower()
        if proto not in PROTOCOL_LETTERS:
            sys.exit(f"unknown transport protocol {proto!r} in row {row}")
        low, high = parse_ports(row["Port Number"].strip())
        name = clean(row["Service Name"])
        description = clean(row["Description"])
        registered = clean(row["Registration Date"])
        modified = clean(row["Modification Date"])
        rest = (str(low), "" if high == low else str(high), derive_status(name, description), name,
                description, registered, modified, clean(row["Unauthorized Use Reported"]),
                clean(row["Assignment Notes"]))
        letter = PROTOCOL_LETTERS[proto]
        previous = records[-1] if records else None
        if previous and previous[1] == rest and letter and previous[0] and letter not in previous[0]:
            previous[0] += letter
        else:
            records.append([letter, rest])
    return records, row_count


def render(records, row_count, newest, csv_name):
    lines = []
    for letters, rest in records:
        fields = [letters, *rest]
        while fields and fields[-1] == "":
            fields.pop()
        for field in fields:
            if "\t" in field or "\n" in field:
                raise ValueError(f"separator inside field {field!r}")
        lines.append("\t".join(fields))
    body = "\n".join(lines)
    # A raw string ends at `"""` followed by as many `#` as it opened with; pick enough.
    hashes = "#"
    while ('"""' + hashes) in body or ("\\" + hashes) in body:
        hashes += "#"
    return f"""\
// GENERATED FILE - DO NOT EDIT.
// Generated by Scripts/generate-port-registry.py from {csv_name}, IANA's Service Name and
// Transport Protocol Port Number Registry (newest registration/modification date in the file:
// {newest}; {row_count} port rows kept as {len(records)} records). The registry is published by IANA under
// CC0 1.0 (public domain dedication). To regenerate:
//     python3 Scripts/generate-port-registry.py ../shared/data/iana/service-names-port-numbers.csv

extension IANARegistry {{
    /// Newest registration or modification date in the CSV this table was generated from.
    static let sourceDate = "{newest}"

    /// Number of port rows (rows with a port number) in that CSV.
    static let sourceRowCount = {row_count}

    /// One record per line, tab-separated: protocols (t/u/s/d letters), low, high, status (a/u/r),
    /// name, description, registered, modified, unauthorized use, assignment notes; trailing empty
    /// fields dropped. Parsed by `IANARegistry.parse(_:)`.
    static let rawRecords = {hashes}\"\"\"
{body}
\"\"\"{hashes}
}}
"""


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__)
        return
    if len(argv) not in (2, 3):
        sys.exit("usage: generate-port-registry.py CSV_PATH [OUT_PATH]")
    csv_path = argv[1]
    default_out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "ScanlogCore",
                               "Knowledge", "IANARegistry+Data.swift")
    out_path = argv[2] if len(argv) == 3 else os.path.normpath(default_out)
    rows = read_rows(csv_path)
    newest = newest_date(rows)
    records, row_count = build_records(rows)
    source = render(records, row_count, newest, os.path.basename(csv_path))
    with open(out_path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(source)
    print(f"{out_path}: {row_count} port rows -> {len(records)} records, newest date {newest}, "
          f"{len(source.encode('utf-8'))} bytes")


if __name__ == "__main__":
    main(sys.argv)
