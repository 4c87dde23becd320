"""The command line every peer takes: INPUT OUTPUT [--threads N] [--eager]."""
import argparse
import os


def parse(doc: str, eager: bool = False) -> argparse.Namespace:
    """Parses the peer's arguments; `doc` is the peer's module docstring (its first line is the help)."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--threads", type=int, default=None, help="cap the peer's thread pool at N (prepline's --threads)")
    if eager:
        ap.add_argument("--eager", action="store_true", help="the eager variant")
    return ap.parse_args()


def cap_blas_threads(threads: "int | None") -> None:
    """Caps numpy's BLAS/OpenMP pools at --threads (before numpy is imported)."""
    if threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(threads)
