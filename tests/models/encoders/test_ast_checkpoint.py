"""ASTEncoder against an independent reference: Hugging Face ``transformers``' ``ASTModel``
(a pinned test dependency), saved as users have AST (hub files, the original repository's
``.pth``, transformers 5 names), and AST's rule for a shorter window."""
import re

import pytest
import torch
import transformers

import mmvicokd  # noqa: F401  (compat fixes, registration)
from mmvicokd.models.encoders import ASTEncoder
from mmvicokd.models.encoders.ast_checkpoint import adapt_ast_pos_embed, detect_ast_format

WIDTH, HEADS, DEPTH, HIDDEN = 32, 2, 2, 64
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def hf_classifier(max_length: int, seed: int = 0):
    """A small random ``ASTForAudioClassification`` (every weight drawn, none left at 0)."""
    cfg = transformers.ASTConfig(
        hidden_size=WIDTH, num_hidden_layers=DEPTH, num_attention_heads=HEADS,
        intermediate_size=HIDDEN, max_length=max_length, num_mel_bins=128, patch_size=16,
        frequency_stride=10, time_stride=10, layer_norm_eps=1e-6, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0, num_labels=5)
    model = transformers.ASTForAudioClassification(cfg).eval()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(torch.randn(param.shape, generator=gen) * 0.3)
    return model


def encoder(path, tdim=40):
    enc = ASTEncoder(embed_dim=WIDTH, depth=DEPTH, num_heads=HEADS, mlp_ratio=HIDDEN / WIDTH,
                     input_tdim=tdim, checkpoint=str(path))
    enc.init_weights()
    return enc.eval()


def windows(tdim=40, n=3):
    return torch.randn(n, tdim, 128, generator=torch.Generator().manual_seed(5))


def ours(enc, x):
    return enc(x[None, None])[0, 0]  # (1, 1, N, Fa, 128) -> (N, D)


def reference(hf_model, x):
    with torch.no_grad():
        return hf_model.audio_spectrogram_transformer(x).pooler_output


def original_repo_state(hf_model):
    """The same weights under the AST repository's names (``module.v.*``, qkv fused)."""
    sd = hf_model.state_dict()
    enc = ASTEncoder(embed_dim=WIDTH, depth=DEPTH, num_heads=HEADS, mlp_ratio=HIDDEN / WIDTH,
                     input_tdim=hf_model.config.max_length)
    out = {f'module.v.{k}': v for k, v in _timm_names(sd).items()}
    assert set(k[len('module.v.'):] for k in out) == set(enc.model.state_dict())
    out['module.mlp_head.0.weight'] = torch.ones(WIDTH)
    out['module.mlp_head.1.weight'] = torch.zeros(5, WIDTH)
    return out


def _timm_names(sd):
    # written out by hand from the two libraries' layouts, independently of ast_checkpoint.py
    p = 'audio_spectrogram_transformer.'
    out = {'cls_token': sd[p + 'embeddings.cls_token'],
           'dist_token': sd[p + 'embeddings.distillation_token'],
           'pos_embed': sd[p + 'embeddings.position_embeddings'],
           'patch_embed.proj.weight': sd[p + 'embeddings.patch_embeddings.projection.weight'],
           'patch_embed.proj.bias': sd[p + 'embeddings.patch_embeddings.projection.bias'],
           'norm.weight': sd[p + 'layernorm.weight'], 'norm.bias': sd[p + 'layernorm.bias']}
    for i in range(DEPTH):
        # transformers 5 holds the model under its own names in memory (layers.N.*)
        layer = {k.split(f'.layers.{i}.', 1)[1]: v for k, v in sd.items()
                 if f'.layers.{i}.' in k}
        q, k_, v, o = (f'attention.{n}_proj' for n in 'qkvo')
        fc1, fc2 = 'mlp.fc1', 'mlp.fc2'
        for kind in ('weight', 'bias'):
            out[f'blocks.{i}.attn.qkv.{kind}'] = torch.cat(
                [layer[f'{n}.{kind}'] for n in (q, k_, v)])
            out[f'blocks.{i}.attn.proj.{kind}'] = layer[f'{o}.{kind}']
            out[f'blocks.{i}.mlp.fc1.{kind}'] = layer[f'{fc1}.{kind}']
            out[f'blocks.{i}.mlp.fc2.{kind}'] = layer[f'{fc2}.{kind}']
            out[f'blocks.{i}.norm1.{kind}'] = layer[f'layernorm_before.{kind}']
            out[f'blocks.{i}.norm2.{kind}'] = layer[f'layernorm_after.{kind}']
    return out


def test_hub_folder_matches_ast_model_pooler_output(tmp_path):
    hf = hf_classifier(max_length=40)
    hf.save_pretrained(tmp_path / 'hub')  # model.safetensors with the hub's 4.x key names
    from safetensors.torch import load_file
    keys = list(load_file(str(tmp_path / 'hub' / 'model.safetensors')))
    assert 'audio_spectrogram_transformer.encoder.layer.0.attention.attention.query.weight' \
        in keys and detect_ast_format(dict.fromkeys(keys)) == 'hf-hub'
    x = windows()
    torch.testing.assert_close(ours(encoder(tmp_path / 'hub'), x), reference(hf, x),
                               atol=1e-5, rtol=1e-5)


def test_pytorch_model_bin_and_transformers5_names_load_the_same(tmp_path):
    from safetensors.torch import load_file
    hf = hf_classifier(max_length=40)
    hf.save_pretrained(tmp_path / 'saved')
    (tmp_path / 'hub').mkdir()  # the hub's pytorch_model.bin: the same names, torch.save'd
    torch.save(load_file(str(tmp_path / 'saved' / 'model.safetensors')),
               tmp_path / 'hub' / 'pytorch_model.bin')
    x = windows()
    expected = reference(hf, x)
    torch.testing.assert_close(ours(encoder(tmp_path / 'hub'), x), expected,
                               atol=1e-5, rtol=1e-5)
    torch.save(hf.state_dict(), tmp_path / 'in_memory.bin')  # transformers 5: layers.N.*
    torch.testing.assert_close(ours(encoder(tmp_path / 'in_memory.bin'), x), expected,
                               atol=1e-5, rtol=1e-5)


def test_original_repository_pth_matches(tmp_path):
    hf = hf_classifier(max_length=40)
    path = tmp_path / 'audioset_10_10_0.4593.pth'
    torch.save(original_repo_state(hf), path)
    x = windows()
    torch.testing.assert_close(ours(encoder(path), x), reference(hf, x), atol=1e-5, rtol=1e-5)


def test_1024_frame_checkpoint_in_a_40_frame_window_is_the_centre_cut(tmp_path):
    big = hf_classifier(max_length=1024)  # 12 x 101 patch grid, like audioset_10_10_0.4593
    table = big.audio_spectrogram_transformer.embeddings.position_embeddings
    assert table.shape == (1, 2 + 12 * 101, WIDTH)
    big.save_pretrained(tmp_path / 'hub')
    small = hf_classifier(max_length=40, seed=1)  # 12 x 3 grid
    state = big.state_dict()
    grid = table[0, 2:].reshape(12, 101, WIDTH)
    cut = grid[:, 49:52].reshape(36, WIDTH)  # AST: columns [50 - 3 // 2, 50 - 3 // 2 + 3)
    state['audio_spectrogram_transformer.embeddings.position_embeddings'] = torch.cat(
        [table[0, :2], cut])[None]
    small.load_state_dict(state)
    x = windows()
    torch.testing.assert_close(ours(encoder(tmp_path / 'hub'), x), reference(small, x),
                               atol=1e-5, rtol=1e-5)


def test_audioset_table_in_a_6_row_window_is_the_row_and_column_cut(tmp_path):
    """A 12 x 101 AudioSet table loaded into a window of 70 mel bins (6 frequency rows) and
    40 frames (3 columns): AST's cut, rows [6 - 6 // 2, +6) and columns [50 - 3 // 2, +3)."""
    big = hf_classifier(max_length=1024)
    big.save_pretrained(tmp_path / 'hub')
    table = big.audio_spectrogram_transformer.embeddings.position_embeddings.detach()
    enc = ASTEncoder(embed_dim=WIDTH, depth=DEPTH, num_heads=HEADS, mlp_ratio=HIDDEN / WIDTH,
                     input_fdim=70, input_tdim=40, checkpoint=str(tmp_path / 'hub'))
    assert enc.model.patch_embed.grid_size == (6, 3)
    enc.init_weights()
    grid = table[0, 2:].reshape(12, 101, WIDTH)
    expected = torch.cat([table[0, :2], grid[3:9, 49:52].reshape(18, WIDTH)])[None]
    assert torch.equal(enc.model.pos_embed.detach(), expected)


def test_a_table_that_is_no_ast_grid_names_file_and_both_grids(tmp_path):
    hf = hf_classifier(max_length=1024)
    state = {k: v for k, v in hf.state_dict().items()}
    key = 'audio_spectrogram_transformer.embeddings.position_embeddings'
    state[key] = state[key][:, :2 + 12 * 101 - 5]  # 1207 patches: no multiple of 12 rows
    path = tmp_path / 'odd.pth'
    torch.save(state, path)
    with pytest.raises(ValueError, match=r'odd\.pth.*1207 patches.*12 frequency rows.*'
                       r'grid is 12 x 3'):
        encoder(path)


def test_longer_window_interpolates_and_frequency_cut_centres():
    table = torch.arange(2 + 4 * 5, dtype=torch.float32).reshape(1, -1, 1)
    longer = adapt_ast_pos_embed(table, 2, (4, 9), old_freq_rows=4)
    grid = longer[0, 2:, 0].reshape(4, 9)
    assert longer.shape == (1, 2 + 36, 1) and torch.equal(longer[0, :2], table[0, :2])
    assert torch.allclose(grid[:, 0], table[0, 2::5, 0])  # bilinear keeps the end columns
    assert torch.allclose(grid[:, -1], table[0, 6::5, 0])
    fewer_rows = adapt_ast_pos_embed(table, 2, (2, 5), old_freq_rows=4)
    # frequency rows [4 // 2 - 2 // 2, ... + 2) = rows 1 and 2
    assert torch.equal(fewer_rows[0, 2:, 0], table[0, 2 + 5:2 + 15, 0])


def test_benchmark_writers_give_the_hub_and_original_layouts(tmp_path):
    """The real-size benchmark writes AST files with our writers; they must be the layouts
    transformers and the AST repository use (checked against ASTModel)."""
    from mmvicokd.experiments.speed.weight_writers import ast_hub_state, ast_original_state
    hf = hf_classifier(max_length=40)
    src = ASTEncoder(embed_dim=WIDTH, depth=DEPTH, num_heads=HEADS, mlp_ratio=HIDDEN / WIDTH,
                     input_tdim=40)
    src.model.load_state_dict(_timm_names(hf.state_dict()))
    hub = ast_hub_state(src.model.state_dict(), num_classes=5)
    saved = tmp_path / 'saved'
    hf.save_pretrained(saved)
    from safetensors.torch import load_file
    published = load_file(str(saved / 'model.safetensors'))
    assert set(hub) == set(published)
    for key, value in published.items():
        if not key.startswith('classifier.'):
            assert torch.equal(hub[key], value), key
    torch.save(ast_original_state(src.model.state_dict(), 5), tmp_path / 'orig.pth')
    torch.testing.assert_close(ours(encoder(tmp_path / 'orig.pth'), windows()),
                               reference(hf, windows()), atol=1e-5, rtol=1e-5)


def test_a_checkpoint_that_does_not_fit_names_file_format_and_mismatch(tmp_path):
    hf = hf_classifier(max_length=40)
    hf.save_pretrained(tmp_path / 'hub')
    enc = ASTEncoder(embed_dim=WIDTH, depth=DEPTH + 1, num_heads=HEADS,
                     mlp_ratio=HIDDEN / WIDTH, checkpoint=str(tmp_path / 'hub'))
    with pytest.raises(RuntimeError, match=re.escape('model.safetensors') + r"' \(read as "
                       r"Hugging Face hub AST.*missing keys: blocks\.2\."):
        enc.init_weights()
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(FileNotFoundError, match='holds none of'):
        encoder(empty)
