"""The WSGI app gunicorn serves in the load run (tests/benchmarks/load.py): the bench app, CSRF on."""
import os
import pathlib

from .bench import build_app

app = build_app(os.environ["BENCH_LOAD_DATABASE_URL"], pathlib.Path(os.environ["BENCH_LOAD_WORKDIR"]), csrf=True)
