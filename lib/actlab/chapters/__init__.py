"""The chapters' own code: one module per chapter notebook, apart from the core library.

Each module holds what only its chapter uses (its experiments' settings, figures, tables and
explorers) and is named after the notebook it serves::

    from actlab.chapters import ch09_vanishing_exploding as ch09

==================================  ===================================================================
``ch02_nonlinearity``               XOR with and without a nonlinearity: training, decision boundaries, one unit
``ch03_sigmoid_tanh``               the zig-zag of a neuron's weights when its inputs are all positive
``ch06_softmax``                    the softmax Jacobian, the two-class case, the temperature explorer
``ch07_sparsity_dying_relu``        ReLU's sparsity against dropout, dying ReLU units
``ch08_maxout``                     Maxout units, tangent fits of x², Maxout networks
``ch09_vanishing_exploding``        gradient norms through depth and what each remedy changes
``ch10_choosing``                   the summary table and the experiments behind the advice
``ch11_modern_networks``            residual paths, normalisation, GLU, attention, low precision
``explorers``                       ipywidgets explorers and their static SVG twins (chapters 2, 4-9)
==================================  ===================================================================

The core library (``actlab`` itself: activations, registry, softmax, Maxout, layers, network,
training, plotting) never imports from here.
"""
