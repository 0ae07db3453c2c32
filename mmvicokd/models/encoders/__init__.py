"""Frame-wise encoders shared over views: visual E_V and audio AST (E_A), paper Eq. 1.

Visual: :class:`TimmFrameEncoder` (any timm image model; :class:`TimmViTEncoder` is it with the
paper's ViT-S/32), :class:`MMBackboneFrameEncoder` (any 2D backbone of mmaction's registry).
"""
from .ast_encoder import ASTEncoder
from .base_frame_encoder import BaseFrameEncoder
from .mm_backbone_frame_encoder import MMBackboneFrameEncoder
from .timm_frame_encoder import TimmFrameEncoder
from .timm_vit_encoder import TimmViTEncoder

__all__ = ['ASTEncoder', 'BaseFrameEncoder', 'MMBackboneFrameEncoder', 'TimmFrameEncoder',
           'TimmViTEncoder']
