"""Models: encoders, cross-modal fusion, backbones, recognizers, distillers, losses."""
from . import (backbones, data_preprocessors, distillers, encoders, fusion,  # noqa: F401
               losses, recognizers)
