//! Benchmarks of the audit's calls and hook.
