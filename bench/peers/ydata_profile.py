#!/usr/bin/env python3
"""Profile peer: ydata-profiling's minimal report (ProfileReport(minimal=True)) as JSON.

usage: ydata_profile.py INPUT OUTPUT [--threads N]

Run with the interpreter of the venv ydata-profiling is installed in
(/work/venv-ydata/bin/python by default: it needs its own pandas, so it is never
installed into the main Python). pandas reads the CSV with the bench's missing
tokens, as prepline's spec does.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peer_args

args = peer_args.parse(__doc__)
peer_args.cap_blas_threads(args.threads)
import pandas as pd
from ydata_profiling import ProfileReport

df = pd.read_csv(args.input, keep_default_na=False, na_values=["", "NA", "null", "?"])
report = ProfileReport(df, minimal=True, progress_bar=False)
report.to_file(args.output)
