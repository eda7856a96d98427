"""cnnlab's JupyterLab 4 renderers (a prebuilt extension; see extension/README.md)."""
__version__ = "0.1.0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "cnnlab-jupyterlab"}]
