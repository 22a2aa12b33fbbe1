"""Build the website from stored notebook outputs, warnings as errors, and report the time taken."""
import subprocess
import sys
import time
from pathlib import Path

start = time.perf_counter()
code = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", ".", "--warningiserror", "--nitpick",
                       "--keep-going", "--quiet"]).returncode
print(f"[book] build finished in {time.perf_counter() - start:.1f} s (exit {code})", flush=True)
sys.exit(code)
