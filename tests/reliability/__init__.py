"""The reliability suite (issue 8): crashes, racing tills, a model-based simulation, fuzzing, bad input."""
