"""Known vulnerabilities in the installed packages (make audit), said plainly either way.

pip-audit asks PyPI's JSON API for each installed version's advisories. A package it could
not look up is not "without known vulnerabilities": it is unchecked, and this says so. Exit
status: 1 for a finding; 1 for a check that could not run only with AUDIT_REQUIRED=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    done = subprocess.run(
        [str(PIP_AUDIT), "--local", "--skip-editable", "--progress-spinner", "off"]
        + ["--timeout", "15", "--format", "json"],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["(ingen melding)"])[-1]
        print(f"Sårbarhetssjekken kunne IKKE kjøre: pip-audit nådde ikke PyPI. {last}")
        return 1 if required else 0
    packages = report.get("dependencies", [])
    unchecked = [p for p in packages if "skip_reason" in p]
    found = [(p, v) for p in packages for v in p.get("vulns", [])]
    for package, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "ingen ennå"
        print(f"SÅRBAR: {package['name']} {package['version']}: {vuln['id']} (rettet i {fixed})")
    checked = len(packages) - len(unchecked)
    if unchecked and not checked:
        print(
            f"Sårbarhetssjekken kunne IKKE kjøre: PyPI ga ingen sårbarhetsdata for noen av de "
            f"{len(packages)} pakkene ({unchecked[0]['skip_reason']}). Ingenting er sjekket."
        )
        return 1 if required or found else 0
    if unchecked:
        names = ", ".join(p["name"] for p in unchecked)
        print(f"Ikke sjekket ({len(unchecked)} av {len(packages)}, ingen data fra PyPI): {names}")
    if found:
        return 1
    print(f"Sårbarhetssjekk: ingen kjente sårbarheter i {checked} sjekkede pakker (pip-audit).")
    return 1 if required and unchecked else 0


if __name__ == "__main__":
    sys.exit(main())
