"""The core-library modules of mruby 4.0 installed over runtime/core (runtime/dialects)."""
