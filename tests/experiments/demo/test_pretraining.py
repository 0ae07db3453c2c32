"""Pre-trained demo encoders: a corpus disjoint from the demo's recordings, generic labels, files
the real encoders load (their log says so), reuse when up to date, atomic writes."""
import os

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmvicokd.datasets.synthetic import CLASSES, PRESETS, plan_recordings
from mmvicokd.datasets.synthetic.classes import sound_signature, visual_signature
from mmvicokd.experiments.demo.pretraining import (AUDIO_ATTRIBUTES, CORPUS_SEED,
                                                   VISUAL_ATTRIBUTES, PretrainSettings,
                                                   audio_attributes, corpus_plans,
                                                   ensure_demo_encoders, save_state_dict,
                                                   sidecar_path, visual_attributes)
from mmvicokd.experiments.demo.pretraining import weights

from ...helpers.e2e import REPO

TEACHER = os.path.join(REPO, 'configs/demo/teacher_multiasl_synthetic_av_f.py')
TINY = PretrainSettings(num_recordings=2, epochs=1, batch_size=64, lr=1e-3)


def test_corpus_shares_no_recording_with_the_demo_sets():
    corpus = [episode for _, _, episode in corpus_plans(8)]
    assert CORPUS_SEED not in (0, 1, 2)
    for seed in (0, 1, 2):  # the demo's data seed and the benchmark's training seeds
        demo = [episode for _, _, episode in plan_recordings(PRESETS['demo'], seed)]
        for ours in corpus:
            assert not any(ours.tricks == theirs.tricks
                           or (ours.positions.shape == theirs.positions.shape
                               and np.array_equal(ours.positions, theirs.positions))
                           for theirs in demo)


def test_labels_are_generic_and_follow_the_renderer():
    assert not set(CLASSES) & {*VISUAL_ATTRIBUTES, *AUDIO_ATTRIBUTES}
    episode = next(ep for _, _, ep in corpus_plans(8)
                   if any(visual_signature(t.label).shape != 'none' for t in ep.tricks))
    trick = next(t for t in episode.tricks if visual_signature(t.label).shape != 'none')
    tick = (trick.start + trick.end) // 2
    views = [visual_attributes(episode, view, np.array([tick]))[0] for view in range(5)]
    sig = visual_signature(trick.label)
    drawn = VISUAL_ATTRIBUTES.index(f'{sig.shape} {sig.colour}')
    actor = VISUAL_ATTRIBUTES.index('actor')
    assert any(v[actor] for v in views)
    for v in views:  # objects are seen only with the actor, in the views that see it
        assert v[drawn] == v[actor]
    sound = audio_attributes(episode, np.array([trick.start, episode.num_frames - 1]), 4)
    assert sound[0, AUDIO_ATTRIBUTES.index(sound_signature(trick.label).kind)] == 1


def _encoder(cfg, path):
    from mmaction.registry import MODELS
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(dict(cfg, checkpoint=path))


def test_tiny_pretraining_makes_files_the_real_encoders_load(tmp_path, monkeypatch):
    from mmengine.logging import MMLogger

    import mmvicokd  # noqa: F401  (registers the encoders)
    model = Config.fromfile(TEACHER).model
    lines = []
    records = ensure_demo_encoders(model, str(tmp_path), TINY, progress=False,
                                   log=lines.append)
    vit = str(tmp_path / os.path.basename(model.visual_encoder.checkpoint))
    ast = str(tmp_path / os.path.basename(model.audio_encoder.checkpoint))
    assert (records['visual_encoder']['file'], records['audio_encoder']['file']) == (vit, ast)
    assert records['visual_encoder']['corpus']['held_out_samples'] > 0
    assert 0 <= records['audio_encoder']['scores']['held_out_map'] <= 100

    logger = MMLogger.get_current_instance()
    said = []
    monkeypatch.setattr(logger, 'info', lambda msg, *a, **k: said.append(msg))
    from safetensors.torch import load_file
    stored = load_file(vit)
    assert 'head.weight' in stored  # the pre-training classifier, dropped by the loader
    encoder = _encoder(model.visual_encoder, vit)
    encoder.init_weights()
    for key, value in encoder.model.state_dict().items():
        torch.testing.assert_close(value, stored[key])
    stored = torch.load(ast, weights_only=True)
    assert 'module.mlp_head.1.weight' in stored
    encoder = _encoder(model.audio_encoder, ast)
    encoder.init_weights()
    for key, value in encoder.model.state_dict().items():
        torch.testing.assert_close(value, stored['module.v.' + key])
    assert said == [f"TimmViTEncoder: weights loaded from '{vit}' (timm state dict)",
                    f"ASTEncoder: weights loaded from '{ast}' (AST repository .pth "
                    "('module.v.*'))"]

    before = {p: os.stat(p).st_mtime_ns for p in (vit, ast, sidecar_path(vit))}
    lines.clear()
    ensure_demo_encoders(model, str(tmp_path), TINY, progress=False, log=lines.append)
    assert lines == [f'[pretrain] {vit}: up to date', f'[pretrain] {ast}: up to date']
    assert before == {p: os.stat(p).st_mtime_ns for p in before}
    os.remove(sidecar_path(ast))  # an unfinished file (weights without their record)
    lines.clear()
    ensure_demo_encoders(model, str(tmp_path), TINY, progress=False, log=lines.append)
    assert lines[0] == f'[pretrain] {vit}: up to date' and os.path.isfile(sidecar_path(ast))
    assert before[vit] == os.stat(vit).st_mtime_ns


@pytest.mark.parametrize('name', ['vit.safetensors', 'ast.pth'])
def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch, name):
    path = str(tmp_path / name)
    save_state_dict({'a': torch.zeros(2)}, path)
    old = open(path, 'rb').read()

    def broken(state, target, *args, **kwargs):
        if hasattr(target, 'write'):
            target.write(b'partial')
        else:
            with open(target, 'wb') as f:
                f.write(b'partial')
        raise OSError('disk full')

    import safetensors.torch
    monkeypatch.setattr(safetensors.torch, 'save_file', broken)
    monkeypatch.setattr(weights.torch, 'save', broken)
    with pytest.raises(OSError, match='disk full'):
        save_state_dict({'a': torch.ones(2)}, path)
    assert open(path, 'rb').read() == old
    assert os.listdir(tmp_path) == [name]


@pytest.mark.parametrize('name', ['vit.safetensors', 'ast.pth'])
def test_equal_weights_give_equal_bytes(tmp_path, name):
    state = {'w': torch.arange(6.0).reshape(2, 3)}
    first = save_state_dict(state, str(tmp_path / 'a' / name))
    second = save_state_dict(state, str(tmp_path / 'b' / name))
    assert open(first, 'rb').read() == open(second, 'rb').read()
