"""Read a framework version's elements from a CSV file that academy staff prepare in a
spreadsheet. Every problem is reported with its row number; nothing is imported until the
whole file is clean.

Columns (a header row is required; order does not matter):
    code           required, unique in the file: "1", "1.3", "A"
    title          the element's title as the source words it (may be blank if not yet known)
    parent         optional: the code of the element this one sits under
    description    optional: a short description in the academy's own words
    title_confirmed optional: yes/no (default yes when a title is given)
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

MAX_ROWS = 2000
REQUIRED = {"code", "title"}
KNOWN = REQUIRED | {"parent", "description", "title_confirmed"}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class ParsedElements:
    tree: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    count: int = 0


def parse_elements_csv(text: str) -> ParsedElements:
    result = ParsedElements()
    reader = csv.DictReader(io.StringIO(text))
    headers = {h.strip().lower() for h in (reader.fieldnames or []) if h}
    missing = REQUIRED - headers
    if missing:
        result.errors.append(f"The first row must name the columns; missing: {', '.join(sorted(missing))}.")
        return result
    unknown = headers - KNOWN
    if unknown:
        result.errors.append(
            f"Unknown columns: {', '.join(sorted(unknown))}. Use: {', '.join(sorted(KNOWN))}."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        if not any(row.values()):
            continue
        rows.append((number, row))
    if len(rows) > MAX_ROWS:
        result.errors.append(f"The file has {len(rows)} rows; the most one version can have is {MAX_ROWS}.")
        return result
    seen: dict[str, int] = {}
    for number, row in rows:
        code = row.get("code", "")
        if not code:
            result.errors.append(f"Row {number}: enter a code.")
        elif code in seen:
            result.errors.append(f"Row {number}: code {code} is already used on row {seen[code]}.")
        else:
            seen[code] = number
        if len(code) > 20:
            result.errors.append(f"Row {number}: the code must be 20 characters or fewer.")
        if len(row.get("title", "")) > 300:
            result.errors.append(f"Row {number}: the title must be 300 characters or fewer.")
        confirmed = row.get("title_confirmed", "").lower()
        if confirmed not in YES | NO:
            result.errors.append(f"Row {number}: title_confirmed must be yes or no.")
    for number, row in rows:
        parent = row.get("parent", "")
        if parent and parent not in seen:
            result.errors.append(f"Row {number}: parent {parent} is not a code in this file.")
        elif parent and parent == row.get("code"):
            result.errors.append(f"Row {number}: an element cannot be its own parent.")
    if result.errors:
        return result
    nodes: dict[str, dict[str, Any]] = {}
    for _, row in rows:
        title = row.get("title", "")
        confirmed = row.get("title_confirmed", "").lower()
        nodes[row["code"]] = {
            "code": row["code"],
            "title": title,
            "description": row.get("description", ""),
            "title_confirmed": bool(title) and (confirmed in YES or confirmed == ""),
            "children": [],
        }
    for _, row in rows:
        parent = row.get("parent", "")
        (nodes[parent]["children"] if parent else result.tree).append(nodes[row["code"]])
    if _has_cycle(rows):
        result.errors.append(
            "The parent codes go round in a circle; each element needs a top-level ancestor."
        )
        result.tree = []
        return result
    result.count = len(rows)
    return result


def _has_cycle(rows: list[tuple[int, dict[str, str]]]) -> bool:
    parent_of = {row["code"]: row.get("parent", "") for _, row in rows}
    for code in parent_of:
        steps, current = 0, code
        while parent_of.get(current):
            current = parent_of[current]
            steps += 1
            if steps > len(parent_of):
                return True
    return False
