"""The device a check runs on and the record of where it ran (versions, date, commit)."""
import datetime
import os
import platform
import subprocess
from typing import Optional

import torch

DEVICES = ('cuda', 'cpu')


def cuda_missing(name: str) -> Optional[str]:
    """Why ``name`` (``'cuda'`` or ``'cpu'``) cannot run here: a message when CUDA is asked for
    and ``torch.cuda.is_available()`` is False (which torch build this is, how to run on the
    CPU), else None."""
    if name != 'cuda' or torch.cuda.is_available():
        return None
    build = f'built with CUDA {torch.version.cuda}' if torch.version.cuda else 'a CPU-only build'
    return (f'--device cuda: torch {torch.__version__} ({build}) sees no CUDA device '
            '(torch.cuda.is_available() is False). Run on a machine with a GPU and its driver, '
            'or pass --device cpu (with --tiny for a quick check of the code paths).')


def resolve_device(name: str) -> torch.device:
    """``torch.device(name)``, ``name`` one of :data:`DEVICES`.

    Raises:
        ValueError: ``name`` is not a device of :data:`DEVICES`.
        RuntimeError: CUDA was asked for and is not available (:func:`cuda_missing`).
    """
    if name not in DEVICES:
        raise ValueError(f'device must be one of {DEVICES}, got {name!r}')
    missing = cuda_missing(name)
    if missing:
        raise RuntimeError(missing)
    return torch.device(name)


def git_commit(repo: str) -> dict:
    """``dict(commit, dirty)`` of the checkout at ``repo`` (None, None outside a git checkout:
    an installed copy has no history)."""
    def git(*args):
        return subprocess.run(['git', '-C', repo, *args], capture_output=True, text=True)
    head = git('rev-parse', 'HEAD')
    if head.returncode != 0:
        return dict(commit=None, dirty=None)
    status = git('status', '--porcelain', '--untracked-files=no')
    return dict(commit=head.stdout.strip(), dirty=bool(status.stdout.strip()))


def device_name(device: torch.device) -> str:
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return platform.processor() or platform.machine()


def shm_gib() -> Optional[float]:
    """Size of ``/dev/shm`` in GiB (None where there is none): DataLoader workers hand their
    batches over through it, and a container's default of 64 MiB stops them."""
    if not os.path.isdir('/dev/shm'):
        return None
    stat = os.statvfs('/dev/shm')
    return stat.f_blocks * stat.f_frsize / 2 ** 30


def environment(device: torch.device, repo: str) -> dict:
    """What the JSON's ``environment`` holds (see ``tools/gpu_check.py``)."""
    cuda = device.type == 'cuda'
    memory = torch.cuda.get_device_properties(device).total_memory / 2 ** 30 if cuda else None
    return dict(device=device.type, device_name=device_name(device),
                device_memory_gib=memory, torch=torch.__version__, cuda=torch.version.cuda,
                cudnn=torch.backends.cudnn.version() if cuda else None,
                python=platform.python_version(), cpu_count=os.cpu_count(), shm_gib=shm_gib(),
                date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                **git_commit(repo))
