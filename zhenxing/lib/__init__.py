"""Library layer: shared helpers that import no app of the project."""
