"""TechEmpower Framework Benchmarks test types, one module per framework (`--suite tfb`)."""
