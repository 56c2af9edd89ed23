"""Facts about this machine: CPU, memory, disk, NVIDIA GPUs (nvidia-ml-py), llama.cpp offload."""

from __future__ import annotations

import os
import platform
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class GPU:
    index: int
    name: str
    vram_total_mb: int
    vram_free_mb: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Machine:
    python: str
    os: str
    cpu: str
    cpu_cores_logical: int
    cpu_cores_physical: int | None
    ram_total_mb: int
    ram_free_mb: int
    disk_free_mb: int
    disk_path: str
    gpus: list[GPU] = field(default_factory=list)
    gpu_note: str = ""
    llama_gpu_offload: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def vram_free_mb(self) -> int:
        return max((g.vram_free_mb for g in self.gpus), default=0)


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def nvidia_gpus() -> tuple[list[GPU], str]:
    """GPUs through NVML; none (with the reason) when there is no driver or no card."""
    try:
        import pynvml
    except ImportError:
        return [], "nvidia-ml-py is not installed"
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        return [], f"no NVIDIA GPU found ({exc})"
    try:
        gpus = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            name = pynvml.nvmlDeviceGetName(handle)
            mem = pynvml.nvmlDeviceGetMemoryInfo(handle)
            gpus.append(
                GPU(
                    index=i,
                    name=name.decode() if isinstance(name, bytes) else str(name),
                    vram_total_mb=int(mem.total) // MIB,
                    vram_free_mb=int(mem.free) // MIB,
                )
            )
        return gpus, "" if gpus else "the NVIDIA driver reports no GPU"
    finally:
        pynvml.nvmlShutdown()


def gpu_memory_by_process() -> dict[int, int]:
    """Bytes of VRAM each process uses, by pid, through NVML; empty without an NVIDIA GPU."""
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:  # no library, no driver, no card: nothing to measure
        return {}
    try:
        used: dict[int, int] = {}
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            for proc in pynvml.nvmlDeviceGetComputeRunningProcesses(handle):
                used[proc.pid] = used.get(proc.pid, 0) + int(proc.usedGpuMemory or 0)
        return used
    except pynvml.NVMLError:
        return {}
    finally:
        pynvml.nvmlShutdown()


def llama_supports_gpu_offload() -> bool:
    try:
        import llama_cpp
    except ImportError:
        return False
    return bool(llama_cpp.llama_supports_gpu_offload())


def disk_free_mb(path: Path) -> tuple[int, str]:
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free // MIB, str(probe)


def machine(models_dir: Path) -> Machine:
    import psutil

    vm = psutil.virtual_memory()
    gpus, note = nvidia_gpus()
    free, where = disk_free_mb(models_dir)
    return Machine(
        python=sys.version.split()[0],
        os=platform.platform(),
        cpu=cpu_name(),
        cpu_cores_logical=os.cpu_count() or 1,
        cpu_cores_physical=psutil.cpu_count(logical=False),
        ram_total_mb=vm.total // MIB,
        ram_free_mb=vm.available // MIB,
        disk_free_mb=free,
        disk_path=where,
        gpus=gpus,
        gpu_note=note,
        llama_gpu_offload=llama_supports_gpu_offload(),
    )
