"""One-to-one assignment of DSP stores to POS locations (optimal, per connected component)."""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def _greedy(ei: np.ndarray, ej: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Best edge first, each row and column once: for a component too big for a dense matrix."""
    used_i: set[int] = set()
    used_j: set[int] = set()
    kept: list[int] = []
    for e in np.argsort(-weight, kind="stable").tolist():
        a, b = int(ei[e]), int(ej[e])
        if a not in used_i and b not in used_j:
            used_i.add(a)
            used_j.add(b)
            kept.append(e)
    return np.array(kept, dtype=np.int64)


def _best_of_two(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The better diagonal of a 2 x 2 matrix (rows, columns), as linear_sum_assignment would choose."""
    if matrix[0, 0] + matrix[1, 1] >= matrix[0, 1] + matrix[1, 0]:
        return np.array([0, 1]), np.array([0, 1])
    return np.array([0, 1]), np.array([1, 0])


def _solve(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the maximum-weight assignment of a dense component matrix."""
    if matrix.shape == (2, 2):  # most components: no need to load scipy.optimize (a third of a second)
        return _best_of_two(matrix)
    from scipy.optimize import linear_sum_assignment

    rr, cc = linear_sum_assignment(matrix, maximize=True)
    return rr, cc


def assign_one_to_one(
    i: np.ndarray,
    j: np.ndarray,
    score: np.ndarray,
    n_pos: int,
    n_dsp: int,
    min_score: float,
    max_component: int = 4_000_000,
) -> np.ndarray:
    """Indices of the edges kept: each POS row and each DSP row at most once, maximising the total score.

    Only edges scoring at least min_score take part, so nothing is forced: a POS location whose only
    candidates are weak gets no proposal. The candidate graph falls apart into small components (a
    block rarely links to another), and linear_sum_assignment runs on each component's dense matrix,
    which keeps memory linear in the number of locations instead of n_pos x n_dsp; a component with more
    than max_component cells is matched best-edge-first instead.
    """
    eligible = np.flatnonzero(score >= min_score)
    if eligible.size == 0:
        return eligible
    ei, ej = i[eligible], j[eligible]
    # Every eligible edge gets a positive weight, so the solver prefers more good pairs to fewer.
    weight = score[eligible] - min_score + 1.0
    graph = coo_matrix((np.ones(eligible.size), (ei, ej + n_pos)), shape=(n_pos + n_dsp, n_pos + n_dsp))
    _, labels = connected_components(graph, directed=False)
    comp = labels[ei]

    kept: list[np.ndarray] = []
    order = np.argsort(comp, kind="stable")
    bounds = np.flatnonzero(np.diff(comp[order])) + 1
    for edges in np.split(order, bounds):
        if edges.size == 1:
            kept.append(eligible[edges])
            continue
        rows, r_idx = np.unique(ei[edges], return_inverse=True)
        cols, c_idx = np.unique(ej[edges], return_inverse=True)
        if rows.size == 1 or cols.size == 1:
            kept.append(eligible[edges[[int(np.argmax(weight[edges]))]]])
            continue
        if rows.size * cols.size > max_component:
            # A dense block can chain thousands of rows into one component: its dense matrix would not
            # fit, and the best-first choice loses little where almost every row has one clear match.
            kept.append(eligible[edges[_greedy(ei[edges], ej[edges], weight[edges])]])
            continue
        matrix = np.zeros((rows.size, cols.size))
        np.maximum.at(matrix, (r_idx, c_idx), weight[edges])
        edge_at = np.full((rows.size, cols.size), -1, dtype=np.int64)
        edge_at[r_idx, c_idx] = edges
        rr, cc = _solve(matrix)
        chosen = edge_at[rr, cc]
        kept.append(eligible[chosen[(chosen >= 0) & (matrix[rr, cc] > 0)]])
    return np.concatenate(kept) if kept else np.empty(0, dtype=np.int64)
