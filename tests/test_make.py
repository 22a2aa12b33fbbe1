"""make.py: arguments reach pytest and JupyterLab untouched; `make.py lab` starts JupyterLab on the
course's notebooks, with ipywidgets' extension, on a loopback port, and Ctrl-C stops it."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import make  # noqa: E402


@pytest.mark.parametrize("argv", [["-x"], ["-x", "-m", "not slow", "tests/lib"], ["--lf", "-k", "relu"], ["--help"], []])
def test_everything_after_test_goes_to_pytest_options_included(argv):
    args = make.parse_args(["test", *argv])
    assert args.func is make.cmd_test and args.pytest_args == argv


def test_everything_after_lab_goes_to_jupyter_lab():
    args = make.parse_args(["lab", "--no-browser", "--port", "8889"])
    assert args.func is make.cmd_lab and args.lab_args == ["--no-browser", "--port", "8889"]


def test_the_other_commands_keep_their_own_options():
    args = make.parse_args(["book", "--serve", "--port", "8001"])
    assert args.func is make.cmd_book and args.serve and args.port == 8001
    assert make.parse_args(["notebooks", "chapters/src/01_linear_neurons.md"]).paths == ["chapters/src/01_linear_neurons.md"]
    with pytest.raises(SystemExit):
        make.parse_args(["book", "-x"])


def test_book_and_colab_environment_are_prepared_only_for_runs_that_may_need_them():
    colab, site = ROOT / "tests" / "colab", ROOT / "tests" / "site"
    assert make.selected([], colab) and make.selected(["-x", "-m", "not slow"], site)
    assert make.selected(["tests"], colab) and make.selected(["tests/colab/test_colab_notebooks.py::x"], colab)
    assert not make.selected(["tests/lib", "-x"], colab) and not make.selected(["chapters/ko"], site)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, method: str = "GET", token: str | None = None, data: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=None if data is None else json.dumps(data).encode(),
                                     headers={"Authorization": f"token {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.slow
def test_make_lab_serves_the_notebooks_with_widgets_on_loopback_and_stops_on_ctrl_c(tmp_path):
    if Path(sys.prefix).resolve() != make.VENV.resolve():
        pytest.skip("make.py lab runs in .venv: run the tests with .venv/bin/python (make.py test does)")
    port, token = free_port(), "actlab-test-token"
    # Jupyter's own files (runtime, config, settings) go to tmp_path, none to the home folder
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        lab = subprocess.Popen([sys.executable, ROOT / "make.py", "lab", "--no-browser", f"--ServerApp.port={port}",
                                "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
                               stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
                               # Ctrl-C as a terminal gives it, also when the suite runs in the background
                               # (there SIGINT comes ignored, and stays ignored in every child)
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert lab.poll() is None, f"make.py lab exited with {lab.returncode}:\n{log.read_text()[-3000:]}"
            try:
                status, body = get(f"{base}/api/status?token={token}")
                break
            except OSError:
                assert time.monotonic() < deadline, f"JupyterLab did not answer in 120 s:\n{log.read_text()[-3000:]}"
                time.sleep(0.5)
        assert status == 200 and "started" in json.loads(body)

        assert get(f"{base}/api/status")[0] == 403, "JupyterLab answered without its token"
        assert f"http://127.0.0.1:{port}/lab" in log.read_text()
        others = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
        for address in sorted(a for a in others if not a.startswith("127.")):  # loopback only
            with pytest.raises(OSError):
                socket.create_connection((address, port), timeout=2).close()

        status, page = get(f"{base}/lab?token={token}")
        assert status == 200
        config = json.loads(re.search(rb'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        widgets = [e for e in config["federated_extensions"] if e["name"] == "@jupyter-widgets/jupyterlab-manager"]
        assert widgets, f"ipywidgets' JupyterLab extension missing: {[e['name'] for e in config['federated_extensions']]}"
        status, script = get(f"{base}/lab/extensions/@jupyter-widgets/jupyterlab-manager/{widgets[0]['load']}")
        assert status == 200 and len(script) > 1000, "the widgets extension's code is not served"

        status, listing = get(f"{base}/api/contents/chapters/ko?token={token}")
        names = {item["name"] for item in json.loads(listing)["content"]}
        assert status == 200 and names == {p.name for p in (ROOT / "chapters" / "ko").glob("*.ipynb")}

        status, specs = get(f"{base}/api/kernelspecs?token={token}")
        assert status == 200 and "python3" in json.loads(specs)["kernelspecs"]
        status, kernel = get(f"{base}/api/kernels", "POST", token, {"name": "python3"})
        assert status == 201, kernel
        kernel_id = json.loads(kernel)["id"]
        # the kernel JupyterLab started: the course's library and ipywidgets 8 (what the extension draws)
        client = BlockingKernelClient(connection_file=str(tmp_path / "runtime" / f"kernel-{kernel_id}.json"))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            printed = []
            reply = client.execute_interactive("import actlab, ipywidgets; print(actlab.__file__, ipywidgets.__version__)",
                                               timeout=60, output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
        finally:
            client.stop_channels()
        assert reply["content"]["status"] == "ok", reply["content"]
        where, version = "".join(printed).split()
        assert Path(where).is_relative_to(ROOT / "lib") and version.startswith("8."), printed
        kernel_url = f"{base}/api/kernels/{kernel_id}"
        assert get(kernel_url, "DELETE", token)[0] == 204
    finally:
        lab.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            code = lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
            raise
    assert code == 0, log.read_text()[-3000:]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
