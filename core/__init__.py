"""Qt-free foundations: paths, config, events, errors, the model registry."""
