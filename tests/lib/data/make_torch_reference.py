"""Write torch_reference.npz: what PyTorch itself returns for the inputs chapter 11's functions are
compared on (tests/lib/test_torch_reference.py reads it; PyTorch is not a dependency of the course).

    python tests/lib/data/make_torch_reference.py     # with a Python that has torch (2.13.0, CPU, was used)

Every input is drawn here from a fixed seed and stored beside PyTorch's output.
"""
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(11)
out = {"torch_version": np.array(torch.__version__)}

# softmax of a row that is entirely -inf (and of ordinary rows)
rows = np.array([[0.5, -1.0, 2.0], [-np.inf, -np.inf, -np.inf], [1e4, 0.0, -np.inf]])
out["softmax_in"] = rows
out["softmax_out"] = torch.softmax(torch.tensor(rows), dim=-1).numpy()

# scaled_dot_product_attention with a boolean mask (True = may attend) and a fully masked query
q, k, v = rng.normal(size=(4, 8)), rng.normal(size=(5, 8)), rng.normal(size=(5, 3))
mask = rng.uniform(size=(4, 5)) < 0.6
mask[:, 0] = True
mask[2] = False
out.update(sdpa_q=q, sdpa_k=k, sdpa_v=v, sdpa_mask=mask)
out["sdpa_out"] = F.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                 attn_mask=torch.tensor(mask)).numpy()
out["sdpa_out_scale"] = F.scaled_dot_product_attention(torch.tensor(q), torch.tensor(k), torch.tensor(v),
                                                       attn_mask=torch.tensor(mask), scale=0.3).numpy()

# the GLU family's split: one array, halves along dim, the second gating the first
x = rng.normal(size=(3, 6)) * 3
out["glu_in"] = x
out["glu_out_last"] = F.glu(torch.tensor(x), dim=-1).numpy()
out["glu_out_first"] = F.glu(torch.tensor(x[:2]), dim=0).numpy()

# log-sigmoid in both tails
z = np.array([-1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 745.0, 1000.0])
out["logsigmoid_in"] = z
out["logsigmoid_out"] = F.logsigmoid(torch.tensor(z)).numpy()

# layer_norm and rms_norm with their default eps
y = rng.normal(size=(3, 7)) * 2 + 1
out["norm_in"] = y
out["layer_norm_out"] = F.layer_norm(torch.tensor(y), (7,)).numpy()
out["rms_norm_out"] = F.rms_norm(torch.tensor(y), (7,)).numpy()
y32 = (rng.normal(size=(2, 5)) * 1e-3).astype(np.float32)
out["norm_in32"] = y32
out["rms_norm_out32"] = F.rms_norm(torch.tensor(y32), (5,)).numpy()

np.savez(Path(__file__).with_name("torch_reference.npz"), **out)
print("wrote torch_reference.npz with torch", torch.__version__)
