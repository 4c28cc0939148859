"""Executes a notebook top to bottom on the tsflink kernel with nbclient; prints a JSON record of
each code cell's outputs (text/plain and text/html of displays, streams, errors).

Usage: python run_notebook.py <notebook.ipynb> [<executed-copy.ipynb>]
"""
import json
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from harness import emit

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, kernel_name="tsflink", timeout=300, startup_timeout=180, allow_errors=False)
t0 = time.monotonic()
error = None
try:
    client.execute()
except CellExecutionError as e:
    error = str(e)[:4000]
seconds = time.monotonic() - t0
if len(sys.argv) > 2:
    nbformat.write(nb, sys.argv[2])


def texts(output):
    t = output["output_type"]
    if t == "stream":
        return {"type": t, "name": output["name"], "text": output["text"]}
    if t == "error":
        return {"type": t, "ename": output["ename"], "evalue": output["evalue"]}
    data = output.get("data", {})
    shown = {"type": t, "text": data.get("text/plain", ""), "html": data.get("text/html", "")}
    if "application/vnd.vegalite.v5+json" in data:
        shown["vegalite"] = data["application/vnd.vegalite.v5+json"]
    return shown


cells = [
    {"source": c["source"], "execution_count": c.get("execution_count"), "outputs": [texts(o) for o in c.get("outputs", [])]}
    for c in nb.cells
    if c["cell_type"] == "code"
]
emit({"error": error, "seconds": seconds, "cells": cells})
