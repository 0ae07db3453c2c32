"""Models: encoders, cross-modal attention and adapter, backbones, recognizers, distillers,
losses."""
from . import (backbones, cross_modal, data_preprocessors, distillers, encoders,  # noqa: F401
               losses, recognizers)
