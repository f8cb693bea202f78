//! Unit tests of the mamba.* judgements on fixtures.
