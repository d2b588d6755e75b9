"""Settings, URLs and the plain-Django floor view used by benchmarks/bench_web.py only."""
