"""ONNX export of a student whose visual encoder is a CNN (an mmaction ResNet per frame)."""
import onnx
import pytest
import torch

from mmaction.registry import MODELS
from mmvicokd.deploy.onnx_export import example_inputs, export_onnx, onnx_parity, onnx_session

# one stage of mmaction's ResNet-18 (64 wide): ConvModule, max pooling and our average pooling
# are what the export has to carry; timm's CNNs export the same way (plain torch modules)
STUDENT = dict(type='MultiViewAVRecognizer', adapter=dict(type='CrossModalAdapter'),
               visual_encoder=dict(type='MMBackboneFrameEncoder', img_size=32,
                                   backbone=dict(type='ResNet', depth=18, num_stages=1,
                                                 out_indices=(0,), strides=(1,),
                                                 dilations=(1,))),
               fusion=dict(type='MultiASL', num_classes=4, num_views=2, temporal_heads=2,
                           dropout=0.0),
               cross_attn=dict(type='CrossModalAttention', num_heads=2, num_views=2))

# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_cnn_student_exports_with_dynamic_batch_and_frames(tmp_path):
    torch.manual_seed(0)
    student = MODELS.build(STUDENT).eval()
    assert student.visual_encoder.out_dim == 64
    out = export_onnx(student, str(tmp_path / 'student.onnx'), clip_len=4)
    dims = [d.dim_param or d.dim_value
            for d in onnx.load(out).graph.input[0].type.tensor_type.shape.dim]
    assert isinstance(dims[0], str) and isinstance(dims[2], str) and dims[3:] == [3, 32, 32]
    # another batch size and clip length than traced: onnxruntime gives torch's probabilities
    diff = onnx_parity(student, onnx_session(out), example_inputs(student, 3, 5, False, seed=1))
    assert max(diff.values()) <= 1e-4, diff
