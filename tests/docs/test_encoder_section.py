"""docs/usage.md, "Another encoder or fusion backbone": three short configs that inherit a
teacher config (a timm CNN, a timm ViT of another size, an mmaction2 ResNet-18), and commands
that train and test each. ``test_doc_commands.py`` runs those commands on the tiny set with the
encoder each config shows (``e2e.shrink_model`` keeps it, at 64 px, without weight files)."""
import copy
import os
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmaction.registry import MODELS

from ..helpers.e2e import REPO, shrink_model
from .markdown_commands import block_commands, file_blocks

PAGE = osp.join(REPO, 'docs', 'usage.md')
FOLDER = 'configs/my_encoders/'


def _page_configs(tmp_path) -> dict:
    """The page's own-encoder configs, parsed from a mirror of configs/ (``_base_`` resolves)."""
    mirror = tmp_path / 'configs'
    mirror.mkdir()
    for name in os.listdir(osp.join(REPO, 'configs')):
        os.symlink(osp.join(REPO, 'configs', name), mirror / name)
    files = {rel: text for rel, text in file_blocks(PAGE) if rel.startswith(FOLDER)}
    parsed = {}
    for rel, text in files.items():
        lines = [line for line in text.splitlines()[1:] if line.strip()]
        assert 3 <= len(lines) <= 6, f'{rel}: {len(lines)} lines'
        path = tmp_path / rel
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        parsed[rel] = Config.fromfile(str(path))
    return parsed


def test_three_short_configs_with_their_widths_and_commands(tmp_path):
    configs = _page_configs(tmp_path)
    encoders = {rel: cfg.model.visual_encoder for rel, cfg in configs.items()}
    kinds = sorted((e.type, e.get('arch', '').startswith('vit_'),
                    e.get('backbone', {}).get('type')) for e in encoders.values())
    assert kinds == [('MMBackboneFrameEncoder', False, 'ResNet'),
                     ('TimmFrameEncoder', False, None), ('TimmFrameEncoder', True, None)]
    widths = {}
    for rel, cfg in configs.items():
        assert cfg.model.audio_encoder.type == 'ASTEncoder'  # teachers: the width rule acts
        with DefaultScope.overwrite_default_scope('mmaction'), torch.device('meta'):
            model = MODELS.build(cfg.model)  # the real sizes, nothing allocated
        widths[rel] = model.visual_encoder.out_dim
        assert model.audio_encoder.out_dim == widths[rel] == model.cross_attn.dim
        # the tiny version the docs test runs keeps the encoder the config shows
        tiny = shrink_model(copy.deepcopy(cfg.model.to_dict()))
        assert tiny['visual_encoder']['type'] == encoders[rel].type
    assert sorted(widths.values()) == [192, 320, 512]  # ViT-Ti/16, ConvNeXt-Atto, ResNet-18
    commands = [c.argv[1:3] for c in block_commands(PAGE)
                if len(c.argv) > 2 and c.argv[2].startswith(FOLDER)]
    assert sorted(commands) == sorted([tool, rel] for rel in configs
                                      for tool in ('tools/train.py', 'tools/test.py'))
