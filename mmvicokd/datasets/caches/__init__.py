"""The caches of the data layer: pre-decoded frames and fbanks (``frame_cache``, its storage
formats and JPEG frames) and encoder features (``feature_cache``: the file format and its
checks; extraction, which runs the encoders, is :mod:`mmvicokd.apis.feature_extraction`).
Both stamp their source files the same way (``sources``)."""
