"""A folder in which the documented command lines run as written, on tiny data and models.

The sandbox mirrors a checkout: ``tools/`` is the repository's own, ``configs/`` holds a tiny
version of every config a command names (the config's own data paths, recognizer, fusion,
losses and distiller; a 1-layer ViT and AST, 8-frame clips of 64 px, 1 epoch: ``e2e.py``), and
the data sets are copies of the tiny synthetic set:

* ``/data/MultiSensor-Home/<Home>`` of the docs lives *elsewhere* (``<tmp>/elsewhere/...``), so
  a real-data command works only through its ``--data-root`` (the configs' default,
  ``data/MultiSensor-Home/Home1``, does not exist in the sandbox);
* ``/data/my_recordings`` of docs/own_recordings.md is a 3-view set with classes of its own
  (``own_set.py``), elsewhere too;
* ``data/synthetic/{Home1,cache_64}`` is the demo's layout;
* ``checkpoints/yolov10b.pt`` is a randomly initialised YOLOv10 (no weights are downloaded).

A page's ``python`` block whose first line is ``# configs/<path>.py`` is a config file the page
asks the reader to write: ``write_page_files`` puts it at that path of a mirror of the
repository's ``configs/`` (so its ``_base_`` resolves), and a command naming it runs its tiny
version like any other config's.

What a command line is changed by (``substitute``), and nothing else: the data prefixes above,
the epoch of a checkpoint name (``epoch_<N>.pth`` -> the tiny schedule's last epoch), a frame
cache's ``--resize`` (the tiny configs' 64 px), process and GPU counts (at most 2 processes on
the test machine), the address and port of node 0, and on a machine without CUDA ``--amp``
(mixed precision needs a GPU) is left out and ``--device cuda`` becomes ``--device cpu``.
"""
import os
import os.path as osp
import re
import shutil

import torch

from .markdown_commands import Command
from .own_set import make_own_set
from ..helpers.e2e import REPO, dump_config, tiny_config

DATA_PREFIX = '/data/MultiSensor-Home'
OWN_PREFIX = '/data/my_recordings'
EPOCH = re.compile(r'epoch_\d+\.pth')
TINY_EPOCHS = 1
TINY_SIZE = '64'  # e2e.py's frame size


class DocSandbox:
    """The folder (``self.cwd``) and the rules that turn a documented command into a tiny one."""

    def __init__(self, tmp: str, tiny_root: str, tiny_cache: str, yolo: str) -> None:
        self.cwd = osp.join(tmp, 'checkout')
        self.elsewhere = osp.join(tmp, 'elsewhere', 'MultiSensor-Home')
        self.own = make_own_set(tiny_root, osp.join(tmp, 'elsewhere', 'my_recordings'))
        self.mirror = osp.join(tmp, 'mirror')
        os.makedirs(osp.join(self.mirror, 'configs'))
        for name in os.listdir(osp.join(REPO, 'configs')):
            os.symlink(osp.join(REPO, 'configs', name), osp.join(self.mirror, 'configs', name))
        self.page_files = {}
        os.makedirs(osp.join(self.cwd, 'configs'))
        os.symlink(osp.join(REPO, 'tools'), osp.join(self.cwd, 'tools'))
        for home in ('Home1', 'Home2'):
            shutil.copytree(tiny_root, osp.join(self.elsewhere, home))
        home2 = osp.join(self.elsewhere, 'Home2')  # Home-2 names its splits differently
        os.rename(osp.join(home2, 'train.json'), osp.join(home2, 'train_data.json'))
        os.rename(osp.join(home2, 'test.json'), osp.join(home2, 'test_data.json'))
        shutil.copytree(tiny_root, osp.join(self.cwd, 'data', 'synthetic', 'Home1'))
        shutil.copytree(tiny_cache, osp.join(self.cwd, 'data', 'synthetic', 'cache_64'))
        os.makedirs(osp.join(self.cwd, 'checkpoints'))
        shutil.copy(yolo, osp.join(self.cwd, 'checkpoints', 'yolov10b.pt'))

    def write_page_files(self, files: list) -> None:
        """Write a page's ``(configs/<path>.py, text)`` files into the mirror of ``configs/``."""
        for rel, text in files:
            path = osp.join(self.mirror, rel)
            assert not osp.islink(osp.dirname(path)), f'{rel} would write into the repository'
            os.makedirs(osp.dirname(path), exist_ok=True)
            with open(path, 'w') as f:
                f.write(text)
            self.page_files[rel] = path

    def tiny_config(self, rel: str) -> str:
        """Write the tiny version of ``configs/<rel>`` (or of a page's config file) at the
        same path in the sandbox."""
        path = osp.join(self.cwd, rel)
        if not osp.exists(path):
            cfg = tiny_config(self.page_files.get(rel, rel), None, None, None,
                              epochs=TINY_EPOCHS)
            if 'teacher_ckpt' in cfg.model:
                cfg.model['teacher_ckpt'] = EPOCH.sub(f'epoch_{TINY_EPOCHS}.pth',
                                                      cfg.model['teacher_ckpt'])
            os.makedirs(osp.dirname(path), exist_ok=True)
            dump_config(cfg, path)
        return path

    def substitute(self, command: Command, port: int) -> Command:
        """The tiny form of a documented command (see the module docstring for every rule);
        ``port`` is node 0's port for a distributed launch."""
        argv, cuda = [], torch.cuda.is_available()
        for word in command.argv:
            if argv[-1:] == ['--resize']:
                word = TINY_SIZE
            if not cuda and word == '--amp':
                continue
            if not cuda and argv[-1:] == ['--device'] and word.startswith('cuda'):
                word = 'cpu'
            word = word.replace(DATA_PREFIX, self.elsewhere).replace(OWN_PREFIX, self.own)
            word = EPOCH.sub(f'epoch_{TINY_EPOCHS}.pth', word)
            if word.startswith('configs/') and word.endswith('.py'):
                self.tiny_config(word)
            argv.append(word)
        env = dict(command.env)
        nodes = int(env.get('NNODES', 1))
        if len(argv) > 3 and argv[:2] in (['bash', 'tools/dist_train.sh'],
                                          ['bash', 'tools/dist_test.sh']):
            at = 3 if argv[1].endswith('train.sh') else 4
            argv[at] = str(max(1, 2 // nodes))
        if 'GPUS' in env:
            env['GPUS'], env['GPUS_PER_NODE'] = '2', '2'
        if 'MASTER_ADDR' in env:
            env['MASTER_ADDR'] = '127.0.0.1'
        script = argv[1] if argv[0] == 'bash' else ''
        if script in ('tools/dist_train.sh', 'tools/dist_test.sh'):
            env['PORT'] = str(port)
        elif script in ('tools/slurm_train.sh', 'tools/slurm_test.sh'):
            env['MASTER_PORT'] = str(port)
        return Command(command.source, command.line, command.text, env, argv)
