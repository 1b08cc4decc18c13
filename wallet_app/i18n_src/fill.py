"""Fill wallet_app_ja.ts from ja.py and compile the .qm:

    .venv/bin/pyside6-lupdate wallet_app/*.py -source-language en -target-language ja \
        -ts ui_common/i18n/wallet_app_ja.ts
    .venv/bin/pyside6-lupdate ui_common/*.py -source-language en -target-language ja \
        -ts ui_common/i18n/ui_common_ja.ts           # the shared badge and crash dialog
    .venv/bin/python -m wallet_app.i18n_src.fill     # exits 1 listing any string without Japanese
"""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from wallet_app.i18n_src.ja import JA

I18N = Path(__file__).resolve().parents[2] / "ui_common" / "i18n"


def main() -> int:
    return max(fill(I18N / "wallet_app_ja.ts"), fill(I18N / "ui_common_ja.ts") if (I18N / "ui_common_ja.ts").exists()
               else 0)


def fill(TS: Path) -> int:  # noqa: N803
    tree = ET.parse(TS)
    missing = []
    for ctx in tree.getroot().iter("context"):
        for msg in ctx.iter("message"):
            src = msg.find("source").text
            tr = msg.find("translation")
            if src in JA:
                tr.text = JA[src]
                tr.attrib.pop("type", None)
            elif tr.attrib.get("type") != "vanished" and tr.attrib.get("type") != "obsolete":
                missing.append(src)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(TS), "-qm", str(TS.with_suffix(".qm"))], check=True)
    for m in missing:
        print("no Japanese for:", repr(m))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
