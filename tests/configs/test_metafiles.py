"""The model zoo (``configs/*/metafile.yml``, ``model-index.yml``) against what it describes.

Every entry has mmaction2's fields and names an existing config and a collection; every config
of a method folder is listed; results are either the paper's (real-data configs, sequence-level
mAP only, marked "(paper)") or this repo's synthetic benchmark (``configs/demo/``), never both,
and the synthetic numbers are those of docs/synthetic_study.md; FLOPs and parameters are
what get_flops measures at the config's own clip. No weights are published.
"""
import glob
import os.path as osp
import re
from collections import defaultdict

import pytest
import yaml
from mmengine.config import Config

from mmvicokd.utils.complexity_config import recognizer_configs

from .zoo_complexity import config_complexity
from .zoo_sources import CONFIG_NAME, synthetic_cell, synthetic_cells

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FOLDERS = ('teacher', 'teacher_vc', 'student', 'logitkd', 'modalkd', 'dualkd', 'cokd', 'vicokd',
           'ablations')
METADATA = ('Architecture', 'Batch Size', 'Epochs', 'FLOPs', 'Parameters', 'Pretrained',
            'Resolution', 'Training Data', 'Training Resources')
FIELDS = ('Name', 'Config', 'In Collection', 'Metadata', 'Modality', 'Results', 'Training Log',
          'Weights')
SYNTHETIC = 'MultiSensor-Home synthetic (this repo)'
HOMES = {'home1': 'Home-1', 'home2': 'Home-2'}
TASK = 'Multi-label Action Recognition'


def _load(rel: str) -> dict:
    with open(osp.join(ROOT, rel)) as f:
        return yaml.safe_load(f)


METAFILES = {folder: _load(f'configs/{folder}/metafile.yml') for folder in FOLDERS}
MODELS = [(folder, model) for folder, meta in METAFILES.items() for model in meta['Models']]


def _name(model: dict) -> dict:
    return CONFIG_NAME.match(model['Name']).groupdict()


def _is_demo(model: dict) -> bool:
    return model['Config'].startswith('configs/demo/')


def test_model_index_imports_every_metafile_and_each_folder_has_a_readme():
    imports = _load('model-index.yml')['Import']
    assert sorted(imports) == sorted(f'configs/{folder}/metafile.yml' for folder in FOLDERS)
    assert sorted(glob.glob(osp.join(ROOT, 'configs', '*', 'metafile.yml'))) == \
        sorted(osp.join(ROOT, rel) for rel in imports)
    for folder, meta in METAFILES.items():
        readme = meta['Collections'][0]['README']
        assert readme == f'configs/{folder}/README.md' and osp.isfile(osp.join(ROOT, readme))


@pytest.mark.parametrize('folder', FOLDERS)
def test_config_readmes_hold_no_commands(folder):
    """Commands live in docs/ (where tests/docs runs them), not in the zoo pages."""
    with open(osp.join(ROOT, 'configs', folder, 'README.md')) as f:
        text = f.read()
    assert '```bash' not in text and '```sh' not in text
    assert not re.search(r'`(?:\S+=\S+ )*python[^`]* tools/', text)
    assert 'No trained weights are published' in text


def test_every_entry_has_the_schema_and_points_at_real_files():
    names = [model['Name'] for _, model in MODELS]
    assert len(names) == len(set(names))
    for folder, model in MODELS:
        collections = {c['Name'] for c in METAFILES[folder]['Collections']}
        assert set(FIELDS) <= set(model), model['Name']
        assert set(METADATA) <= set(model['Metadata']), model['Name']
        assert osp.isfile(osp.join(ROOT, model['Config'])), model['Config']
        assert osp.basename(model['Config']) == model['Name'] + '.py'
        assert model['In Collection'] in collections, model['Name']
        assert model['Weights'] is None and model['Training Log'] is None  # none published
        assert model['Modality'] == ('RGB + Audio' if _name(model)['setting'] == 'av_f'
                                     else 'RGB')


@pytest.mark.parametrize('folder', FOLDERS)
def test_every_config_of_the_folder_is_listed(folder):
    listed = {m['Config'] for f, m in MODELS if f == folder and not _is_demo(m)}
    assert listed == {osp.relpath(p, ROOT)
                      for p in glob.glob(osp.join(ROOT, 'configs', folder, '*.py'))}


def test_results_are_the_papers_or_the_synthetic_sets_never_both():
    for _, model in MODELS:
        (result,) = model['Results']
        assert result['Task'] == TASK
        if _is_demo(model):
            assert result['Dataset'] == SYNTHETIC
            assert model['Metadata']['Training Data'] == SYNTHETIC
        else:
            home = HOMES[_name(model)['data']]
            assert result['Dataset'] == f'MultiSensor-Home {home} (paper)'
            assert model['Metadata']['Training Data'] == f'MultiSensor-Home {home}'
            assert list(result['Metrics']) == ['seq mAP']


def test_synthetic_results_are_those_of_the_study_page():
    cells = synthetic_cells(osp.join(ROOT, 'docs', 'synthetic_study.md'))
    demo = [model for _, model in MODELS if _is_demo(model)]
    assert len(demo) == len(glob.glob(osp.join(ROOT, 'configs', 'demo', '*.py')))
    for model in demo:
        metrics = model['Results'][0]['Metrics']
        for level in ('seq', 'frame'):
            key, which = synthetic_cell(model['Name'], level)
            mean, std, seeds = cells[key][which]
            assert (metrics[f'{level} mAP'], metrics[f'{level} mAP std'], metrics['seeds']) == \
                (mean, std, seeds), (model['Name'], level)


def _architecture_groups() -> dict:
    """Entries whose networks and clip are alike: the same role (teacher reads audio,
    student does not), backbone and data kind (paper size or the demo's)."""
    groups = defaultdict(list)
    for _, model in MODELS:
        parts = _name(model)
        groups[(parts['setting'] == 'av_f', parts['backbone'], _is_demo(model))].append(model)
    return groups


def _group_id(key: tuple) -> str:
    teacher, backbone, demo = key
    return f"{'teacher' if teacher else 'student'}-{backbone}-{'demo' if demo else 'paper'}"


@pytest.mark.parametrize('key', sorted(_architecture_groups()), ids=_group_id)
def test_flops_parameters_and_size_are_the_configs(key, one_torch_thread):
    """One config per group is measured (``zoo_complexity``: get_flops' count, seconds
    instead of minutes) and read, with what its encoders start from; the group's other
    entries must say the same."""
    models = _architecture_groups()[key]
    first = models[0]
    cfg = Config.fromfile(osp.join(ROOT, first['Config']))
    params, flops = config_complexity(osp.join(ROOT, first['Config']))
    resize = next(step['resize'] for step in cfg.test_dataloader.dataset.pipeline
                  if step['type'] == 'DecodeMultiViewVideo')
    expected = {'FLOPs': f'{flops / 1e9:.2f}G', 'Parameters': f'{params / 1e6:.2f}M',
                'Batch Size': cfg.train_dataloader.batch_size,
                'Epochs': cfg.train_cfg.max_epochs, 'Resolution': f'{resize}x{resize}'}
    for model in models:
        assert {k: model['Metadata'][k] for k in expected} == expected, model['Name']
        assert model['Metadata']['Architecture'] == first['Metadata']['Architecture']
    # what the encoders start from (a distiller's entry adds its teacher after a ';')
    (pretrained,) = {model['Metadata']['Pretrained'].split(';')[0] for model in models}
    recognizer = recognizer_configs(cfg.model)[0][1]
    loaded = {name for name, key in (('ViT', 'visual_encoder'), ('AST', 'audio_encoder'))
              if (recognizer.get(key) or {}).get('checkpoint')}
    assert {name for name in ('ViT', 'AST') if name in pretrained} == loaded, pretrained
    assert pretrained.startswith('none') == (not loaded), pretrained
