"""prepline under Apache Spark (PySpark local mode): fit per partition, merge on the driver,
apply per partition; the concatenated output must be the bytes of one `prepline run`.

Usage: spark_partial_fit.py PREPLINE SPEC SPEC_IF_PRESENT SAMPLE WORKDIR

Two shapes, as docs/distributed.md describes them:
- file list: an RDD of file paths; `rdd.pipe` hands each partition's paths to
  `prepline fit --partial --input-list - -o -` on stdin (one part line out), and to
  `prepline apply --input-list - --no-output-header`; the driver writes the header line
  (`prepline apply` of the input's header line alone) before the partitions' output.
- line split: `sc.textFile` of the CSV; partition 0 holds the header line, the others not;
  the spec says `input.header: "if-present"` and `input.columns`.
rdd.pipe runs the command without a shell and with an empty environment unless `env` is given.
Exit 0 when both shapes reproduce `prepline run`; 1 with a message otherwise.
"""
import os
import subprocess
import sys

prepline, spec, spec_if_present, sample, workdir = sys.argv[1:6]

try:
    from pyspark import SparkConf, SparkContext
except ImportError:
    sys.exit("pyspark is missing: pip install pyspark==4.3.0 (make test installs it)")

conf = (SparkConf().setMaster("local[2]").setAppName("prepline-partial-fit")
        .set("spark.driver.memory", "512m").set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "2").set("spark.ui.showConsoleProgress", "false"))
sc = SparkContext(conf=conf)
sc.setLogLevel("ERROR")
env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1700000000"}


def run(args, data=None):
    done = subprocess.run(args, input=data, capture_output=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.decode()}")
    return done.stdout


expected = run([prepline, "run", spec, sample, "-q"])
failures = []

# File-list shape: the sample cut into files at record boundaries (the caller wrote them).
paths = sorted(os.path.join(workdir, name) for name in os.listdir(workdir) if name.startswith("part-"))
files = sc.parallelize(paths, 3)
parts = files.pipe(f"{prepline} fit {spec} --partial --input-list - -o - -q --threads 1", env=env).collect()
fitted = run([prepline, "merge", "-", "-q"], ("\n".join(parts) + "\n").encode())
fitted_path = os.path.join(workdir, "fitted.json")
with open(fitted_path, "wb") as f:
    f.write(fitted)
# Every partition writes no header; the driver writes it, applying the input's header line alone.
header_line = open(paths[0], "rb").readline()
header = run([prepline, "apply", fitted_path, "-q"], header_line)
body = files.pipe(f"{prepline} apply {fitted_path} --input-list - --no-output-header -q --threads 1", env=env).collect()
output = header + "".join(line + "\n" for line in body).encode()
if output != expected:
    failures.append(f"file-list shape: {len(output)} bytes, run wrote {len(expected)}")

# Line-split shape: sc.textFile cuts the file by lines (no quoted newlines in this sample).
lines = sc.textFile(sample, 3)
if lines.getNumPartitions() < 2:
    failures.append("line-split shape: textFile made one partition")
parts = lines.pipe(f"{prepline} fit {spec_if_present} --partial -o - -q --threads 1", env=env).collect()
fitted = run([prepline, "merge", "-", "-q"], ("\n".join(parts) + "\n").encode())
fitted_path = os.path.join(workdir, "fitted-lines.json")
with open(fitted_path, "wb") as f:
    f.write(fitted)
header = run([prepline, "apply", fitted_path, "-q"], open(sample, "rb").readline())
body = lines.pipe(f"{prepline} apply {fitted_path} --no-output-header -q --threads 1", env=env).collect()
output = header + "".join(line + "\n" for line in body).encode()
if output != expected:
    failures.append(f"line-split shape: {len(output)} bytes, run wrote {len(expected)}")

sc.stop()
if failures:
    sys.exit("; ".join(failures))
print("ok: both shapes reproduce prepline run")
