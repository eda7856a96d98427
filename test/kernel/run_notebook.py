"""Executes one notebook headless with nbclient on kernel `cnnlab`; prints the executed notebook as JSON.

usage: /usr/bin/python3 run_notebook.py NOTEBOOK [TIMEOUT_S]
Exit status 0 even when a cell fails (the caller inspects the outputs); 2 on setup errors.
"""
import json
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    path = sys.argv[1]
    timeout = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="cnnlab", timeout=timeout, allow_errors=False,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = str(e)
    json.dump({"notebook": nb, "failure": failure}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
