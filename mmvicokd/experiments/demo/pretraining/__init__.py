"""Pre-trained encoders for the demo, as the paper fine-tunes pre-trained ones.

The paper starts from a ViT-S/32 pre-trained on ImageNet-21k and an AST pre-trained on
AudioSet; the demo's tiny encoders start from weights pre-trained here on generic labels
(:mod:`.attributes`: objects, actor, zones; sound sources) of synthetic recordings the demo
never uses (:mod:`.corpus`), saved in the files the real encoders read (:mod:`.weights`) and made
on first use (:mod:`.make`).
"""
from .attributes import AUDIO_ATTRIBUTES, VISUAL_ATTRIBUTES, audio_attributes, visual_attributes
from .corpus import CORPUS_SEED, Corpus, build_corpus, corpus_plans
from .fit import fit_encoder
from .make import PretrainSettings, ensure_demo_encoders, sidecar_path
from .weights import ast_state, save_state_dict, vit_state

__all__ = [
    'AUDIO_ATTRIBUTES', 'VISUAL_ATTRIBUTES', 'audio_attributes', 'visual_attributes',
    'CORPUS_SEED', 'Corpus', 'build_corpus', 'corpus_plans', 'fit_encoder',
    'PretrainSettings', 'ensure_demo_encoders', 'sidecar_path', 'ast_state', 'save_state_dict',
    'vit_state',
]
