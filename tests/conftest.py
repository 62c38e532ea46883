"""Shared pytest setup.

One torch thread: the machines have 2 cores, and with 2 threads plus another busy
process small-model training collapses (see shared ENGINEERING notes).

AppTest and app.py's st.navigation: Streamlit treats an app with a pages/ folder in its old
multipage mode until st.navigation has run once in the server process, and AppTest resets that
flag before every run. In that mode a rerun executes the current page's script alone (no app.py:
no sidebar, no presenter CSS), which never happens on a real server after its first request.
The fixture below makes every AppTest run go through app.py, as the server does.
"""
import pytest
import torch
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import app_test

torch.set_num_threads(1)


class _NavigationPagesManager(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _apptest_runs_app_py(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", _NavigationPagesManager)


@pytest.fixture(autouse=True)
def _fresh_training_line(monkeypatch):
    """The server's training line (pages.common.TRAINING) is shared by every session of a process, and the tests'
    AppTests share one process: each test starts with an empty line, so that runs a test left behind cannot
    hold the places of the next test's runs."""
    import pages.common
    from explorer.training.fairshare import FairShare

    monkeypatch.setattr(pages.common, "TRAINING", FairShare())
