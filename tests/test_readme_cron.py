"""The README's crontab line works as written: cron's `%` escaping undone, run by /bin/sh."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from test_pipeline import write_articles

README = Path(__file__).parents[1] / "README.md"


def crontab_line() -> str:
    """The single line of the README's ```crontab block."""
    block = re.search(r"```crontab\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README has no ```crontab block"
    lines = [l for l in block.group(1).splitlines() if l.strip() and not l.startswith("#")]
    assert len(lines) == 1
    return lines[0]


def test_readme_crontab_line_refreshes_and_logs(tmp_path):
    line = crontab_line()
    fields = line.split(None, 5)
    assert len(fields) == 6 and all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
    command = fields[5]
    assert "%" not in command.replace("\\%", ""), "an unescaped % would end the cron command"
    # What cron hands to /bin/sh, with the README's example home moved into tmp_path.
    home = tmp_path / "home" / "analyst"
    command = command.replace("\\%", "%").replace("/home/analyst", str(home))
    command = command.replace(f"{home}/stancewatch/.venv/bin/stance", f"{sys.executable} -m etl")
    write_articles(home / "inbox", 2)
    config = home / ".config" / "stancewatch" / "sources.yaml"
    config.parent.mkdir(parents=True)
    db = home / "stancewatch-data" / "stance.db"
    config.write_text(f"db: {db}\nsources:\n  - path: {home / 'inbox'}\n", encoding="utf-8")
    (home / "stancewatch-data" / "logs").mkdir(parents=True)

    result = subprocess.run(["/bin/sh", "-c", command], cwd=Path(__file__).parents[1],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    logs = list((home / "stancewatch-data" / "logs").glob("refresh-*.log"))
    assert len(logs) == 1 and re.search(r"refresh-\d{4}-\d{2}-\d{2}\.log$", logs[0].name)
    assert "refresh ok: " in logs[0].read_text().splitlines()[-1]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
