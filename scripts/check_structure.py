"""Manifest and XML sanity of the addon: every listed file exists and parses, every data file is listed."""

import ast
import csv
import re
import sys
from pathlib import Path
from xml.etree import ElementTree

DATA_DIRS = ("data", "demo", "security", "views", "wizard", "report")


def main(root: Path) -> int:
    errors = []
    manifest = ast.literal_eval((root / "__manifest__.py").read_text())
    for key in ("name", "version", "license", "depends", "data"):
        if key not in manifest:
            errors.append(f"manifest: missing key {key!r}")
    if not str(manifest.get("version", "")).startswith("18.0."):
        errors.append(f"manifest: version {manifest.get('version')!r} is not 18.0.x.y.z")
    listed = [*manifest.get("data", []), *manifest.get("demo", [])]
    for name in listed:
        if not (root / name).is_file():
            errors.append(f"manifest: {name} does not exist")
    if len(set(listed)) != len(listed):
        errors.append("manifest: a file is listed twice")
    for folder in DATA_DIRS:
        for path in sorted((root / folder).glob("**/*")):
            rel = path.relative_to(root).as_posix()
            if path.suffix in (".xml", ".csv") and rel not in listed:
                errors.append(f"{rel}: not listed in the manifest")
    for path in sorted(root.glob("**/*.xml")):
        if ".git" in path.parts:
            continue
        try:
            ElementTree.parse(path)
        except ElementTree.ParseError as exc:
            errors.append(f"{path.relative_to(root)}: {exc}")
    access = root / "security" / "ir.model.access.csv"
    with access.open() as handle:
        rows = list(csv.reader(handle))
    header = ["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink"]
    if rows[0] != header:
        errors.append("ir.model.access.csv: unexpected header")
    ids = [row[0] for row in rows[1:]]
    errors += [f"ir.model.access.csv: id {xid!r} is not snake_case"
               for xid in ids if not re.fullmatch(r"[a-z0-9_]+", xid)]
    if len(set(ids)) != len(ids):
        errors.append("ir.model.access.csv: duplicate ids")
    for error in errors:
        print(error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
