"""The testing layer: servanda for pytest.

``servanda.testing.plugin`` is the pytest plugin that installing servanda registers
(the ``pytest11`` entry point): scenario files in a project's ``scenarios`` folders
become test items. Importing this package does not import pytest.
"""

__all__: list[str] = []
