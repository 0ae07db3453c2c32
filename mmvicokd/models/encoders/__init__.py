"""Frame-wise encoders shared over views: visual ViT (E_V) and audio AST (E_A), paper Eq. 1."""
from .ast_encoder import ASTEncoder
from .base_frame_encoder import BaseFrameEncoder
from .timm_vit_encoder import TimmViTEncoder

__all__ = ['ASTEncoder', 'BaseFrameEncoder', 'TimmViTEncoder']
