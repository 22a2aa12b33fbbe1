"""pytest plugin (loaded by pytest.ini): run nbval's cells with ``store_history=True``, as Jupyter does.

nbval 0.11 executes every cell with ``store_history=False``. IPython decides whether a trailing
``;`` silences a cell's result by looking at the last *stored* input, so under nbval a cell such as
``plotting.plot_activation("relu");`` gets an extra ``execute_result`` (the Figure's repr) that
Jupyter, nbclient and Colab never show, and every such cell would fail the comparison. With the
history stored, nbval sees exactly the outputs a reader sees.
"""
from __future__ import annotations

from nbval import kernel as _kernel


def _execute_cell_input(self, cell_input, allow_stdin=None):
    return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin, stop_on_error=False)


_kernel.RunningKernel.execute_cell_input = _execute_cell_input
