"""Tensors and autograd, looked at from the inside.

Part 1, a stride explorer. A tensor reads a flat block of memory, its storage, through its
shape (elements per dimension), stride (storage cells skipped by one step along each dimension)
and offset (where the first element sits). Transposing, slicing, view() and expand() only
change these numbers; contiguous(), and reshape() of a transposed tensor, copy. The tensor is
torch.arange(n): each element's value is its index in the original storage.

Part 2, autograd. Every operation on a tensor that requires grad records a node, its grad_fn,
that knows how to send gradients back to its inputs. Walking grad_fn.next_functions from the
result lists the graph backward() will run. The gradients autograd computes are then checked
against central finite differences, (f(p + h) - f(p - h)) / 2h, one input element at a time.

Run it on its own:  python lesson.py
"""

import torch

SHAPES = {"3x2": (3, 2), "2x3": (2, 3), "3x4": (3, 4), "2x3x4": (2, 3, 4)}
OPERATIONS = {  # what each operation does to x; the comment says view, copy or error
    "none": lambda x: x,
    "transpose": lambda x: x.transpose(-2, -1),  # view: swaps two sizes and their strides
    "permute": lambda x: x.permute(*reversed(range(x.dim()))),  # view: reverses all dimensions
    "drop-first-row": lambda x: x[..., 1:, :],  # view: the offset moves one row on
    "every-2nd-column": lambda x: x[..., ::2],  # view: the last stride doubles
    "view": lambda x: x.view(x.shape[-1], -1),  # view: the same cells read as another shape
    "expand": lambda x: x.unsqueeze(0).expand(2, *x.shape),  # view: stride 0 repeats the data
    "transpose-view": lambda x: x.transpose(-2, -1).view(-1),  # error: no stride can do it
    "transpose-reshape": lambda x: x.transpose(-2, -1).reshape(-1),  # copy: a view is impossible
    "contiguous": lambda x: x.transpose(-2, -1).contiguous(),  # copy, laid out row by row
    "to-float32": lambda x: x.to(torch.float32),  # copy: another dtype needs new storage
}


def layout(t: torch.Tensor) -> dict:
    """Shape, stride and offset of t, its whole storage, and which cell each element reads."""
    cells = t.untyped_storage().nbytes() // t.element_size()
    # Read a row of cell numbers through t's own shape, stride and offset: where each lives.
    where = torch.arange(cells).as_strided(t.shape, t.stride(), t.storage_offset())
    return {"shape": list(t.shape), "stride": list(t.stride()), "offset": t.storage_offset(),
            "contiguous": t.is_contiguous(), "dtype": str(t.dtype).replace("torch.", ""),
            "storage": t.as_strided((cells,), (1,), 0).tolist(),  # the flat block, cell by cell
            "cells": where.flatten().tolist(), "values": t.flatten().tolist()}


def explore(shape: str, operation: str, device) -> dict:
    x = torch.arange(torch.Size(SHAPES[shape]).numel(), device=device).reshape(SHAPES[shape])
    try:
        y = OPERATIONS[operation](x)
    except RuntimeError as error:  # a result to show, in PyTorch's own words
        return {"x": layout(x), "y": None, "error": str(error).splitlines()[0], "shares": False}
    # A view shares x's memory: the same storage, found at the same address.
    shares = y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    return {"x": layout(x), "y": layout(y), "error": None, "shares": shares}


def expression_of(expression: str, size: int, dtype, device, seed: int):
    """The leaf tensors to differentiate by, and the function of them that gives a number."""
    g = torch.Generator().manual_seed(seed)
    rand = lambda *shape: torch.randn(*shape, generator=g, dtype=dtype).to(device)  # noqa: E731
    if expression == "sin(x)*y + x**2":
        return {"x": rand(size), "y": rand(size)}, lambda x, y: (torch.sin(x) * y + x**2).sum()
    if expression == "log(1+exp(w·x))":
        x = rand(size)  # data: it needs no gradient, so the graph has no node for it
        return {"w": rand(size)}, lambda w: torch.log(1 + torch.exp(w @ x))
    x = rand(2, size)  # relu(W x + b) on a batch of two inputs: b is broadcast over the batch
    return ({"W": rand(size, size), "b": rand(size)},
            lambda W, b: torch.relu(x @ W.T + b).sum())


def walk(root, names: dict) -> tuple[dict, list]:
    """Each node's name and depth (longest path from the root), and the edges to the nodes
    it passes gradients on to: grad_fn.next_functions, followed from the root down."""
    nodes, edges, stack = {}, set(), [(root, 0)]
    while stack:
        fn, depth = stack.pop()
        if id(fn) in nodes and nodes[id(fn)]["depth"] >= depth:
            continue
        leaf = names.get(id(getattr(fn, "variable", None)))  # AccumulateGrad holds a leaf
        nodes[id(fn)] = {"name": fn.name(), "depth": depth, "leaf": leaf}
        for child, _ in fn.next_functions:
            if child is not None:  # None: an input that needs no gradient (data)
                edges.add((id(fn), id(child)))
                stack.append((child, depth + 1))
    return nodes, sorted(edges)


def train(shape="3x4", operation="transpose", expression="sin(x)*y + x**2", size=3,
          dtype="float64", fd_step=1e-6, *, device="cpu", seed=0, report=None):
    report = report or (lambda *args, **kwargs: False)  # the app passes a live chart
    explored = explore(shape, operation, device)

    leaves, f = expression_of(expression, size, getattr(torch, dtype), device, seed)
    for p in leaves.values():
        p.requires_grad_()  # leaves: autograd adds their gradients into .grad
    out = f(*leaves.values())  # define-by-run: running the code builds the graph
    nodes, edges = walk(out.grad_fn, {id(p): name for name, p in leaves.items()})

    out.backward(retain_graph=True)  # keep the graph to run it a second time
    analytic = {name: p.grad.clone() for name, p in leaves.items()}
    out.backward()  # without zero_grad(), the second backward adds to .grad
    accumulated = (sum(p.grad.norm() for p in leaves.values())
                   / sum(g.norm() for g in analytic.values())).item()
    with torch.no_grad():
        unrecorded = f(*leaves.values())  # no graph: no grad_fn, no requires_grad

    probes = [(name, i) for name, p in leaves.items() for i in range(p.numel())]
    checks = []
    with torch.no_grad():  # nudging a leaf in place must not be recorded
        for step, (name, i) in enumerate(probes, 1):
            flat = leaves[name].view(-1)
            old = flat[i].item()
            flat[i] = old + fd_step
            up = f(*leaves.values()).item()
            flat[i] = old - fd_step
            down = f(*leaves.values()).item()
            flat[i] = old
            numeric = (up - down) / (2 * fd_step)
            exact = analytic[name].view(-1)[i].item()
            checks.append({"name": f"{name}[{i}]", "autograd": exact, "numeric": numeric,
                           "error": abs(exact - numeric)})
            if report(step, len(probes), {"error": abs(exact - numeric)}):
                break  # the learner pressed Stop: keep the probes done so far

    # torch.autograd.gradcheck runs the same test, in float64: it needs the precision.
    f64_leaves, f64 = expression_of(expression, size, torch.float64, device, seed)
    inputs = tuple(p.requires_grad_() for p in f64_leaves.values())
    passed = torch.autograd.gradcheck(f64, inputs, raise_exception=False)

    errors = [c["error"] for c in checks]
    scale = max(max(abs(c["autograd"]) for c in checks), 1e-12)
    metrics = {
        "view_error": float(explored["error"] is not None), "shares_storage": explored["shares"],
        "graph_nodes": len(nodes), "graph_edges": len(edges),
        "leaf_nodes": sum(n["leaf"] is not None for n in nodes.values()),
        "max_abs_error": max(errors), "max_rel_error": max(errors) / scale,
        "gradcheck_passed": passed, "probes": len(checks), "accumulated_ratio": accumulated,
        "no_grad_requires_grad": unrecorded.requires_grad}
    if explored["y"] is not None:
        y = explored["y"]
        metrics.update({"is_contiguous": y["contiguous"], "storage_offset": y["offset"],
                        "elements": len(y["values"]), "storage_elements": len(y["storage"])})
        metrics.update({f"stride_{d}": s for d, s in enumerate(y["stride"])})
    return {"metrics": metrics, "explored": explored, "nodes": nodes, "edges": edges,
            "checks": checks, "operation": operation}


if __name__ == "__main__":
    for name, value in train()["metrics"].items():
        print(f"{name:24} {value:.6g}")
