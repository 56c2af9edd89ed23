"""Nothing acknowledged is lost: a writer killed with SIGKILL at random moments, many times."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from memory.fake import HashEmbedder
from memory.service import MemoryService

ROOT = Path(__file__).resolve().parents[2]
WRITER = """
import sys, itertools
from pathlib import Path
from memory.fake import HashEmbedder
from memory.service import MemoryService
service = MemoryService(Path(sys.argv[1]), HashEmbedder())
service.open(check=False)
print("ready", flush=True)
for i in itertools.count():
    text = f"note {sys.argv[2]}-{i}: the kettle boiled {i} times"
    written = service.remember(text, speaker="user", dedupe=False)
    print(written.memory.id, flush=True)  # printed only after the commit: acknowledged
"""


def test_every_acknowledged_memory_survives_a_kill(tmp_path: Path) -> None:
    folder = tmp_path / "mem"
    rng = random.Random(7)
    acknowledged: list[str] = []
    for round_ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(round_)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        ids = [line for line in out.split("\n")[:-1] if line]  # whole lines only
        assert proc.returncode == -signal.SIGKILL
        acknowledged += ids

        service = MemoryService(folder, HashEmbedder())
        service.open()  # checks the index in a subprocess; rebuilds it if the kill damaged it
        stored = {m.id for m in service.store.all()}
        missing = [i for i in acknowledged if i not in stored]
        assert not missing, f"round {round_}: {len(missing)} acknowledged memories lost"
        assert service.index.count("episode") == service.store.count("episode")
        service.close()
    assert len(acknowledged) > 20  # the writer really wrote between the kills
