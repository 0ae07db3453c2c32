"""Running trained models outside the Runner: loading a checkpoint, whole-recording inference."""
