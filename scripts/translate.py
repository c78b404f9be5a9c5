"""Fill a .po catalogue from a TSV of `msgid<TAB>msgstr` lines (use \\n for new lines;
plural forms separated by `|`).

    python scripts/translate.py locale/uk/LC_MESSAGES/django.po translations.tsv

Only messages present in the catalogue are filled; the script lists msgids of the catalogue that
are still untranslated, so nothing slips through.
"""

from __future__ import annotations

import sys

import polib


def main(po_path: str, *tsv_paths: str) -> int:
    po = polib.pofile(po_path)
    mapping: dict[str, str] = {}
    for tsv in tsv_paths:
        with open(tsv, encoding="utf-8") as handle:
            for line in handle:
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#") or "\t" not in line:
                    continue
                msgid, msgstr = line.split("\t", 1)
                mapping[msgid.replace("\\n", "\n")] = msgstr.replace("\\n", "\n")
    filled = 0
    for entry in po:
        if entry.msgid in mapping:
            if entry.msgid_plural:
                # Plural forms separated by "|" (Ukrainian has three: 1, 2–4, 5+).
                forms = mapping[entry.msgid].split("|")
                count = len(entry.msgstr_plural) or len(forms)
                entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(count)}
            else:
                entry.msgstr = mapping[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            filled += 1
    po.save(po_path)
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    print(f"{po_path}: filled {filled}, still untranslated {len(missing)}", file=sys.stderr)
    for msgid in missing:
        print(f"  {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
