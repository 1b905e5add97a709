"""Rule files: read, validated, compiled to the engine's conditions and sealed; the middle of the pipeline."""
